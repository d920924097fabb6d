package dev.iocp.port.uring.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls the io_uring backend makes, linked once through {@link Linker} and called
 * with plain {@code long}/{@code int} arguments (pointers as addresses), so a call allocates
 * nothing and skips the per-argument segment checks.
 *
 * <p>Every wrapper returns the kernel's convention: a non-negative result, or {@code -errno}.
 * errno is captured by the downcall stub itself ({@code captureCallState}), into a segment per
 * thread, because anything the JVM does between the call and a later read could overwrite it.
 *
 * <p>The three io_uring calls have no glibc wrapper and go through the variadic
 * {@code syscall(2)}, every argument passed as a {@code long} (variadic arguments are promoted,
 * and passing full words leaves no undefined upper register bits). Their numbers are the same
 * on x86-64 and on the generic table (aarch64, riscv64).
 *
 * <p>None of these handles is linked "critical": {@code io_uring_enter} can block, and a
 * critical call holds off every safepoint in the JVM until it returns.
 */
public final class Syscalls {
    public static final long SYS_IO_URING_SETUP = 425;
    public static final long SYS_IO_URING_ENTER = 426;
    public static final long SYS_IO_URING_REGISTER = 427;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle SYSCALL3 = syscall(3);
    private static final MethodHandle SYSCALL5 = syscall(5);
    private static final MethodHandle SYSCALL7 = syscall(7);
    private static final MethodHandle MMAP = libc("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = libc("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CLOSE = libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle EVENTFD = libc("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = libc("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CONNECT = libc("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LISTEN = libc("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GETPEERNAME = libc("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SETSOCKOPT = libc("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = libc("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SHUTDOWN = libc("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETRLIMIT = libc("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PIPE2 = libc("pipe2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    /** {@code fcntl(fd, cmd, ...)} with one int argument, which is all the commands used here take. */
    private static final MethodHandle FCNTL = variadic("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle GETPAGESIZE = libc("getpagesize", FunctionDescriptor.of(JAVA_INT));

    private Syscalls() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle syscall(int arguments) {
        MemoryLayout[] args = new MemoryLayout[arguments];
        java.util.Arrays.fill(args, JAVA_LONG);
        return LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, args),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle variadic(String name, FunctionDescriptor descriptor, int firstVariadic) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.firstVariadicArg(firstVariadic),
                Linker.Option.captureCallState("errno"));
    }

    private static long result(long ret, MemorySegment capture) {
        return ret == -1 ? -(int) ERRNO.get(capture, 0L) : ret;
    }

    private static int result(int ret, MemorySegment capture) {
        return ret == -1 ? -(int) ERRNO.get(capture, 0L) : ret;
    }

    private static AssertionError linkageBroken(Throwable t) {
        return new AssertionError("downcall failed: " + t, t);
    }

    /** {@code io_uring_setup(entries, params)}: a ring fd or -errno. */
    public static int ioUringSetup(int entries, long params) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) result((long) SYSCALL3.invokeExact(c, SYS_IO_URING_SETUP, (long) entries, params), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}: submitted count or -errno. */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) result((long) SYSCALL7.invokeExact(c, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit,
                    (long) minComplete, (long) flags, arg, argSize), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code io_uring_register(fd, opcode, arg, count)}: a result or -errno. */
    public static int ioUringRegister(int fd, int opcode, long arg, int count) {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) result((long) SYSCALL5.invokeExact(c, SYS_IO_URING_REGISTER, (long) fd, (long) opcode,
                    arg, (long) count), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code mmap(NULL, length, prot, flags, fd, offset)}: the address or -errno. */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((long) MMAP.invokeExact(c, 0L, length, prot, flags, fd, offset), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int munmap(long address, long length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) MUNMAP.invokeExact(c, address, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int close(int fd) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) CLOSE.invokeExact(c, fd), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static long read(int fd, long buffer, long length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((long) READ.invokeExact(c, fd, buffer, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static long write(int fd, long buffer, long length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((long) WRITE.invokeExact(c, fd, buffer, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int eventfd(int initialValue, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) EVENTFD.invokeExact(c, initialValue, flags), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) SOCKET.invokeExact(c, domain, type, protocol), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int bind(int fd, long sockaddr, int length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) BIND.invokeExact(c, fd, sockaddr, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** A synchronous {@code connect(2)}: used for datagram sockets, where it never waits. */
    public static int connect(int fd, long sockaddr, int length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) CONNECT.invokeExact(c, fd, sockaddr, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) LISTEN.invokeExact(c, fd, backlog), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int getsockname(int fd, long sockaddr, long lengthPointer) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) GETSOCKNAME.invokeExact(c, fd, sockaddr, lengthPointer), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int getpeername(int fd, long sockaddr, long lengthPointer) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) GETPEERNAME.invokeExact(c, fd, sockaddr, lengthPointer), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, long value, int length) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) SETSOCKOPT.invokeExact(c, fd, level, name, value, length), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int getsockopt(int fd, int level, int name, long value, long lengthPointer) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) GETSOCKOPT.invokeExact(c, fd, level, name, value, lengthPointer), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    public static int shutdown(int fd, int how) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) SHUTDOWN.invokeExact(c, fd, how), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code getrlimit(resource, struct rlimit*)}: 0 or -errno. */
    public static int getrlimit(int resource, long rlimit) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) GETRLIMIT.invokeExact(c, resource, rlimit), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code pipe2(int fds[2], flags)}: 0 (read end at {@code fds}, write end 4 bytes on) or -errno. */
    public static int pipe2(long fds, int flags) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) PIPE2.invokeExact(c, fds, flags), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** {@code fcntl(fd, cmd, argument)}: the command's result or -errno. */
    public static int fcntl(int fd, int cmd, int argument) {
        MemorySegment c = CAPTURE.get();
        try {
            return result((int) FCNTL.invokeExact(c, fd, cmd, argument), c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }

    /** The size of a memory page, which is also the unit a pipe holds file data in. */
    public static int pageSize() {
        MemorySegment c = CAPTURE.get();
        try {
            return (int) GETPAGESIZE.invokeExact(c);
        } catch (Throwable t) {
            throw linkageBroken(t);
        }
    }
}
