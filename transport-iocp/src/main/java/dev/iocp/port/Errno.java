package dev.iocp.port;

/**
 * Error numbers, in Linux numbering, which every backend uses as its vocabulary: a failed
 * operation completes with {@code -errno}. Backends that do not run on Linux translate their
 * platform's errors into these numbers, as libuv translates Windows errors into its own.
 */
public final class Errno {
    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Input/output error. */
    public static final int EIO = 5;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Operation canceled. */
    public static final int ECANCELED = 125;

    private static final String[][] TABLE = new String[134][];

    static {
        entry(EPERM, "EPERM", "Operation not permitted");
        entry(ENOENT, "ENOENT", "No such file or directory");
        entry(EINTR, "EINTR", "Interrupted system call");
        entry(EIO, "EIO", "Input/output error");
        entry(EBADF, "EBADF", "Bad file descriptor");
        entry(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        entry(ENOMEM, "ENOMEM", "Cannot allocate memory");
        entry(EACCES, "EACCES", "Permission denied");
        entry(EFAULT, "EFAULT", "Bad address");
        entry(EBUSY, "EBUSY", "Device or resource busy");
        entry(EEXIST, "EEXIST", "File exists");
        entry(EINVAL, "EINVAL", "Invalid argument");
        entry(EMFILE, "EMFILE", "Too many open files");
        entry(ENOSPC, "ENOSPC", "No space left on device");
        entry(EPIPE, "EPIPE", "Broken pipe");
        entry(ENOSYS, "ENOSYS", "Function not implemented");
        entry(ETIME, "ETIME", "Timer expired");
        entry(EPROTO, "EPROTO", "Protocol error");
        entry(ENOTSOCK, "ENOTSOCK", "Socket operation on non-socket");
        entry(EDESTADDRREQ, "EDESTADDRREQ", "Destination address required");
        entry(EMSGSIZE, "EMSGSIZE", "Message too long");
        entry(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        entry(EAFNOSUPPORT, "EAFNOSUPPORT", "Address family not supported by protocol");
        entry(EADDRINUSE, "EADDRINUSE", "Address already in use");
        entry(EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address");
        entry(ENETDOWN, "ENETDOWN", "Network is down");
        entry(ENETUNREACH, "ENETUNREACH", "Network is unreachable");
        entry(ECONNABORTED, "ECONNABORTED", "Software caused connection abort");
        entry(ECONNRESET, "ECONNRESET", "Connection reset by peer");
        entry(ENOBUFS, "ENOBUFS", "No buffer space available");
        entry(EISCONN, "EISCONN", "Transport endpoint is already connected");
        entry(ENOTCONN, "ENOTCONN", "Transport endpoint is not connected");
        entry(ETIMEDOUT, "ETIMEDOUT", "Connection timed out");
        entry(ECONNREFUSED, "ECONNREFUSED", "Connection refused");
        entry(EHOSTUNREACH, "EHOSTUNREACH", "No route to host");
        entry(EALREADY, "EALREADY", "Operation already in progress");
        entry(EINPROGRESS, "EINPROGRESS", "Operation now in progress");
        entry(ECANCELED, "ECANCELED", "Operation canceled");
    }

    private Errno() {
    }

    private static void entry(int errno, String name, String description) {
        TABLE[errno] = new String[] {name, description};
    }

    /**
     * The symbolic name, e.g. {@code ECONNREFUSED}; {@code errno 123} for numbers without one here.
     *
     * @param errno an error number, positive or negated (a completion's result)
     * @return the name
     */
    public static String name(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[0] : "errno " + Math.abs(errno);
    }

    /**
     * The name and its meaning, e.g. {@code ECONNREFUSED (Connection refused)}.
     *
     * @param errno an error number, positive or negated (a completion's result)
     * @return the name and meaning, or {@code errno 123} for numbers without a name here
     */
    public static String describe(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[0] + " (" + e[1] + ")" : "errno " + Math.abs(errno);
    }

    private static String[] lookup(int errno) {
        int n = Math.abs(errno);
        return n < TABLE.length ? TABLE[n] : null;
    }
}
