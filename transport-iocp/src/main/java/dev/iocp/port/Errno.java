package dev.iocp.port;

/**
 * Error numbers, in Linux numbering, which every backend uses as its vocabulary: a failed
 * operation completes with {@code -errno}. Backends that do not run on Linux translate their
 * platform's errors into these numbers, as libuv translates Windows errors into its own.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ETIME = 62;
    public static final int EPROTO = 71;
    public static final int ENOTSOCK = 88;
    public static final int EDESTADDRREQ = 89;
    public static final int EMSGSIZE = 90;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
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

    /** The symbolic name, e.g. {@code ECONNREFUSED}; {@code errno 123} for numbers without one here. */
    public static String name(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[0] : "errno " + Math.abs(errno);
    }

    /** The name and its meaning, e.g. {@code ECONNREFUSED (Connection refused)}. */
    public static String describe(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[0] + " (" + e[1] + ")" : "errno " + Math.abs(errno);
    }

    private static String[] lookup(int errno) {
        int n = Math.abs(errno);
        return n < TABLE.length ? TABLE[n] : null;
    }
}
