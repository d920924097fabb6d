package dev.iocp.testing;

import dev.iocp.port.uring.sys.SockaddrUn;
import dev.iocp.port.uring.sys.SocketLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the descriptor-passing tests do to descriptors from outside the transport, through libc
 * (Linux only): open a file, write through a descriptor, ask whether one is open and what it
 * refers to, count this process's descriptors, and act as a raw Unix-domain peer that sends more
 * descriptors in one message than the transport would.
 */
public final class RawDescriptors {
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_GETFD = 1;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDMSG = libc("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private RawDescriptors() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** Opens (creating) {@code file} for reading and writing; returns the descriptor. */
    public static int openFile(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toString()), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            if (fd < 0) {
                throw new IOException("open(" + file + ") failed");
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Writes {@code text} through {@code fd} at its offset. */
    public static void write(int fd, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(bytes.length);
            buffer.copyFrom(MemorySegment.ofArray(bytes));
            long written = Syscalls.write(fd, buffer.address(), bytes.length);
            if (written != bytes.length) {
                throw new IOException("write(" + fd + ") returned " + written);
            }
        }
    }

    /** Whether {@code fd} is an open descriptor of this process. */
    public static boolean isOpen(int fd) {
        return Syscalls.fcntl(fd, F_GETFD, 0) >= 0;
    }

    /** What {@code fd} refers to, as {@code /proc/self/fd} says: a file's path, {@code pipe:[inode]}, ... */
    public static String target(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /** How many of this process's descriptors refer to {@code target} (as {@link #target} names it). */
    public static long openTo(String target) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException closedMeanwhile) {
                    return false; // the listing's own descriptor, or one closed since
                }
            }).count();
        }
    }

    /**
     * A number no descriptor of this process has, nor will soon: well above the highest open one
     * (a closed one's number would be taken by the next descriptor opened anywhere in the process).
     */
    public static int notOpen() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.mapToInt(fd -> Integer.parseInt(fd.getFileName().toString())).max().orElse(0) + 1000;
        }
    }

    /** This process's open descriptors. */
    public static long openCount() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (NoSuchFileException e) {
            throw new IOException("no /proc/self/fd", e);
        }
    }

    public static void close(int fd) {
        Syscalls.close(fd);
    }

    /** A blocking Unix-domain stream socket connected to {@code path}. */
    public static int connect(Path path) throws IOException {
        int fd = Syscalls.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket: " + fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SockaddrUn.SIZE, 8);
            int length = SockaddrUn.encode(address, 0, UnixDomainSocketAddress.of(path));
            int rc = Syscalls.connect(fd, address.address(), length);
            if (rc < 0) {
                Syscalls.close(fd);
                throw new IOException("connect(" + path + "): " + rc);
            }
        }
        return fd;
    }

    /**
     * Sends one zero byte carrying all of {@code descriptors} in one SCM_RIGHTS message, however
     * many there are, on a blocking socket; returns what sendmsg returned.
     */
    public static long sendDescriptors(int socket, int... descriptors) {
        long dataBytes = (long) descriptors.length * Integer.BYTES;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(1);
            MemorySegment iovec = arena.allocate(16, 8);
            iovec.set(JAVA_LONG, 0, data.address());
            iovec.set(JAVA_LONG, 8, 1L);
            MemorySegment control = arena.allocate(SocketLayouts.cmsgSpace(dataBytes), 8);
            control.set(JAVA_LONG, SocketLayouts.CMSG_LEN, SocketLayouts.cmsgLength(dataBytes));
            control.set(JAVA_INT, SocketLayouts.CMSG_LEVEL, SOL_SOCKET);
            control.set(JAVA_INT, SocketLayouts.CMSG_TYPE, SCM_RIGHTS);
            long at = SocketLayouts.cmsgLength(0);
            for (int i = 0; i < descriptors.length; i++) {
                control.set(JAVA_INT, at + (long) i * Integer.BYTES, descriptors[i]);
            }
            MemorySegment message = arena.allocate(SocketLayouts.MSGHDR);
            message.set(JAVA_LONG, SocketLayouts.MSG_IOV, iovec.address());
            message.set(JAVA_LONG, SocketLayouts.MSG_IOVLEN, 1L);
            message.set(JAVA_LONG, SocketLayouts.MSG_CONTROL, control.address());
            message.set(JAVA_LONG, SocketLayouts.MSG_CONTROLLEN, control.byteSize());
            return (long) SENDMSG.invokeExact(socket, message, 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
