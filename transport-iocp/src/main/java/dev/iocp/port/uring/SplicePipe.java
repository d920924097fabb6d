package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static dev.iocp.port.uring.sys.LinuxConstants.F_GETPIPE_SZ;
import static dev.iocp.port.uring.sys.LinuxConstants.F_SETPIPE_SZ;
import static dev.iocp.port.uring.sys.LinuxConstants.O_CLOEXEC;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The pipe that file bytes cross on their way to a socket: {@code splice(2)} moves data only
 * when one of its ends is a pipe, so a file is sent as file → pipe → socket. The pipe holds
 * references to page-cache pages, not copies of them.
 *
 * <p>The pipe is blocking: nothing here ever waits on it, because a send-file fills it only when
 * it is empty and with no more than fits ({@link #bytesFor}), and drains it only while it holds
 * bytes. The splices pass {@code SPLICE_F_NONBLOCK} as well, so a broken count would show as
 * EAGAIN rather than as an io-wq worker stuck for good.
 */
final class SplicePipe {
    /**
     * The capacity asked for: 1 MiB, the default {@code /proc/sys/fs/pipe-max-size}, so one
     * splice pair moves up to 1 MiB. The kernel charges it to the user's pipe pages
     * ({@code pipe-user-pages-soft}, 64 MiB by default, shared by all the user's processes);
     * where it refuses, the pipe keeps the size it was opened with (64 KiB, or 8 KiB once the
     * user is past that limit), and sends move less at a time.
     */
    static final int PREFERRED_CAPACITY = 1 << 20;
    private static final int PAGE_SIZE = Syscalls.pageSize();

    final int readFd;
    final int writeFd;
    /** Bytes the pipe holds when its pages are full: slots × page size. */
    final int capacity;
    /** The JDK's view of the write end, opened on first use ({@link #sink}). */
    private FileChannel sink;

    private SplicePipe(int readFd, int writeFd, int capacity) {
        this.readFd = readFd;
        this.writeFd = writeFd;
        this.capacity = capacity;
    }

    static SplicePipe open() throws PortException {
        int readFd;
        int writeFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int rc = Syscalls.pipe2(fds.address(), O_CLOEXEC);
            if (rc < 0) {
                throw new PortException("pipe2: " + Errno.describe(rc), rc);
            }
            readFd = fds.getAtIndex(JAVA_INT, 0);
            writeFd = fds.getAtIndex(JAVA_INT, 1);
        }
        Syscalls.fcntl(writeFd, F_SETPIPE_SZ, PREFERRED_CAPACITY); // refused: the default stays
        int capacity = Syscalls.fcntl(writeFd, F_GETPIPE_SZ, 0);
        if (capacity < PAGE_SIZE) {
            Syscalls.close(readFd);
            Syscalls.close(writeFd);
            throw new PortException("fcntl(F_GETPIPE_SZ): " + Errno.describe(Math.min(capacity, -Errno.EINVAL)),
                    Math.min(capacity, -Errno.EINVAL));
        }
        return new SplicePipe(readFd, writeFd, capacity);
    }

    /**
     * How many bytes of a file, from {@code position} on, to move into the empty pipe: at most
     * {@code wanted}, and no more than its slots hold. A pipe slot takes at most one page, and
     * the first page of a range that does not start on a page boundary is partly used, so
     * asking for the pipe's whole capacity there would fill it short and break the link to the
     * splice that drains it.
     */
    int bytesFor(long position, int wanted) {
        return Math.min(wanted, capacity - (int) (position & (PAGE_SIZE - 1)));
    }

    /**
     * The write end as a JDK channel, for {@link FileChannel#transferTo}, which gives the JDK's
     * own descriptor of a file to {@code sendfile(2)}: a second open file description of this
     * pipe, through {@code /proc/self/fd}. Opened on first use and kept as long as the pipe.
     *
     * @throws IOException when it cannot be opened (no /proc mounted)
     */
    FileChannel sink() throws IOException {
        if (sink == null) {
            sink = FileChannel.open(Path.of("/proc/self/fd/" + writeFd), StandardOpenOption.WRITE);
        }
        return sink;
    }

    /** Closes both ends, and the JDK's view of the write end; what the pipe held is dropped. */
    void close() {
        if (sink != null) {
            try {
                sink.close();
            } catch (IOException ignored) {
                // a pipe's close has nothing to flush: no data is lost here
            }
        }
        Syscalls.close(readFd);
        Syscalls.close(writeFd);
    }

    @Override
    public String toString() {
        return "SplicePipe[write " + writeFd + ", read " + readFd + ", " + capacity + " bytes]";
    }
}
