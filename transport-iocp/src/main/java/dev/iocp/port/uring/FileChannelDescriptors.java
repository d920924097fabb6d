package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;

import static dev.iocp.port.uring.sys.LinuxConstants.F_DUPFD_CLOEXEC;

/**
 * The descriptor behind a JDK {@link FileChannel}, where the JDK lets us see it: with it, a splice
 * reads the file itself, in an io-wq worker, linked to the splice into the socket.
 *
 * <p>{@code FileChannel} has no public accessor for its descriptor, and this transport uses no
 * JNI (Netty's native transports read {@code FileChannelImpl.fd} from C). So it is read here only
 * when {@code java.base} opens {@code sun.nio.ch} to this module, e.g.
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; nothing is forced open and nothing warns.
 * Without that, {@link #duplicate} answers {@link #NOT_REACHABLE} and the port has the JDK move
 * the file's pages into the pipe itself ({@link SplicePipe#sink}).
 *
 * <p>The caller gets a duplicate, not the channel's own number: io_uring looks a splice's input
 * descriptor up when an io-wq worker runs it, which can be after the application has closed the
 * channel and the number been reused for another file. The duplicate holds the same open file
 * until the port closes it, after the splice's completion.
 */
final class FileChannelDescriptors {
    /** {@link #duplicate}'s answer when the channel's descriptor cannot be read. */
    static final int NOT_REACHABLE = Integer.MIN_VALUE;

    private static final Class<?> IMPLEMENTATION;
    /** {@code (FileChannel) -> int}: the channel's descriptor number, or null when not reachable. */
    private static final MethodHandle DESCRIPTOR;

    static {
        Class<?> implementation = null;
        MethodHandle descriptor = null;
        Module module = FileChannelDescriptors.class.getModule();
        if (Object.class.getModule().isOpen("sun.nio.ch", module)) {
            try {
                implementation = Class.forName("sun.nio.ch.FileChannelImpl");
                MethodHandle field = MethodHandles.privateLookupIn(implementation, MethodHandles.lookup())
                        .findGetter(implementation, "fd", FileDescriptor.class);
                Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
                MethodHandle fdVal = MethodHandles.privateLookupIn(ioUtil, MethodHandles.lookup())
                        .findStatic(ioUtil, "fdVal", MethodType.methodType(int.class, FileDescriptor.class));
                descriptor = MethodHandles.filterReturnValue(field, fdVal)
                        .asType(MethodType.methodType(int.class, FileChannel.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // another JDK's internals: the port sends through the JDK's own transferTo instead
                implementation = null;
                descriptor = null;
            }
        }
        IMPLEMENTATION = implementation;
        DESCRIPTOR = descriptor;
    }

    private FileChannelDescriptors() {
    }

    /** Whether the descriptors of the JDK's file channels can be read here at all. */
    static boolean reachable() {
        return DESCRIPTOR != null;
    }

    /**
     * A new descriptor (close-on-exec) for the open file behind {@code file}, which the caller
     * closes.
     *
     * @return the descriptor; {@link #NOT_REACHABLE} where the channel's own cannot be read (see
     *         the class documentation, or a {@code FileChannel} that is not the JDK's); or
     *         {@code -errno}: {@code -EBADF} when the channel was closed meanwhile
     */
    static int duplicate(FileChannel file) {
        if (DESCRIPTOR == null || !IMPLEMENTATION.isInstance(file)) {
            return NOT_REACHABLE;
        }
        int fd;
        try {
            fd = (int) DESCRIPTOR.invokeExact(file);
        } catch (Throwable t) {
            throw new AssertionError("reading FileChannelImpl.fd failed: " + t, t);
        }
        if (fd < 0) {
            return -Errno.EBADF; // closed: the JDK sets the number to -1
        }
        int duplicate = Syscalls.fcntl(fd, F_DUPFD_CLOEXEC, 0);
        // A channel marks itself closed before it closes its descriptor: still open now, it was
        // open all along, and the number duplicated was its own, not a reused one.
        if (duplicate >= 0 && !file.isOpen()) {
            Syscalls.close(duplicate);
            return -Errno.EBADF;
        }
        return duplicate;
    }
}
