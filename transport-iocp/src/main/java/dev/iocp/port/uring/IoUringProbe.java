package dev.iocp.port.uring;

import dev.iocp.port.BackendUnavailableException;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Finds out, once, whether io_uring works here, and if not, says why in words a user can act
 * on: the platform, native access, the {@code kernel.io_uring_disabled} sysctl, a seccomp
 * profile (EPERM), an old kernel (ENOSYS, or missing opcodes), or RLIMIT_MEMLOCK (ENOMEM).
 */
final class IoUringProbe {

    /**
     * What the probe found: a cause, or the features of this kernel.
     *
     * @param zeroCopySends whether SEND_ZC (6.0) and SENDMSG_ZC (6.1) are there; without them a
     *                      zero-copy send is submitted as a copying one
     */
    record Result(Throwable cause, String features, boolean zeroCopySends) {
    }

    /** Opcodes the port submits, with their names for the message when one is missing. */
    private static final byte[] REQUIRED_OPS = {IORING_OP_NOP, IORING_OP_POLL_ADD, IORING_OP_SENDMSG, IORING_OP_TIMEOUT,
        IORING_OP_ACCEPT, IORING_OP_ASYNC_CANCEL, IORING_OP_CONNECT, IORING_OP_CLOSE, IORING_OP_READ, IORING_OP_SEND,
        IORING_OP_RECV, IORING_OP_SPLICE, IORING_OP_SHUTDOWN, IORING_OP_SOCKET};
    private static final String[] REQUIRED_OP_NAMES = {"NOP", "POLL_ADD", "SENDMSG", "TIMEOUT", "ACCEPT", "ASYNC_CANCEL",
        "CONNECT", "CLOSE", "READ", "SEND", "RECV", "SPLICE", "SHUTDOWN", "SOCKET (marks 5.19)"};

    /** Declared after the tables the probe reads, which static initialisation fills in order. */
    static final Result RESULT = run();

    private IoUringProbe() {
    }

    private static Result run() {
        try {
            return probe();
        } catch (BackendUnavailableException e) {
            return new Result(e, null, false);
        } catch (Throwable t) {
            return new Result(new BackendUnavailableException("probing io_uring failed: " + t, t), null, false);
        }
    }

    private static Result probe() throws BackendUnavailableException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new BackendUnavailableException("io_uring is a Linux interface; this is " + os);
        }
        if (!List.of("amd64", "x86_64", "aarch64", "riscv64").contains(arch)) {
            throw new BackendUnavailableException("the io_uring backend knows the system call numbers of x86_64, "
                    + "aarch64 and riscv64, not " + arch);
        }
        Module module = IoUringProbe.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String who = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            throw new BackendUnavailableException("native access is not enabled for " + module
                    + ": start java with --enable-native-access=" + who
                    + " (the io_uring backend calls the kernel through java.lang.foreign)");
        }
        int disabled = readSysctl("/proc/sys/kernel/io_uring_disabled");
        if (disabled == 2) {
            throw new BackendUnavailableException("io_uring is disabled by the sysctl kernel.io_uring_disabled=2: "
                    + "run 'sysctl -w kernel.io_uring_disabled=0' as root to allow it");
        }
        Ring ring;
        try {
            ring = Ring.open(2, 2, 0, () -> { }); // submits nothing, so never backlogs
        } catch (PortException e) {
            throw explainSetupFailure(e, disabled);
        }
        try (ring; Arena arena = Arena.ofConfined()) {
            int required = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP | IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_EXT_ARG;
            if ((ring.features & required) != required) {
                throw tooOld("it lacks io_uring features 0x" + Integer.toHexString(required & ~ring.features)
                        + " (SINGLE_MMAP, NODROP, SUBMIT_STABLE, EXT_ARG)");
            }
            int ops = 256;
            MemorySegment probe = arena.allocate(IoUringLayouts.PROBE.byteSize() + ops * IoUringLayouts.PROBE_OP.byteSize(), 8);
            int rc = Syscalls.ioUringRegister(ring.fd, IORING_REGISTER_PROBE, probe.address(), ops);
            if (rc < 0) {
                throw tooOld("io_uring_register(PROBE) failed: " + Errno.describe(rc));
            }
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < REQUIRED_OPS.length; i++) {
                if (!supports(probe, REQUIRED_OPS[i])) {
                    missing.add(REQUIRED_OP_NAMES[i]);
                }
            }
            if (!missing.isEmpty()) {
                throw tooOld("it lacks the io_uring operations " + missing);
            }
            boolean zeroCopySends = supports(probe, IORING_OP_SEND_ZC) && supports(probe, IORING_OP_SENDMSG_ZC);
            return new Result(null, "setup flags 0x" + Integer.toHexString(ring.setupFlags) + " "
                    + setupFlagNames(ring.setupFlags) + ", features 0x" + Integer.toHexString(ring.features)
                    + (zeroCopySends ? ", zero-copy sends" : ""), zeroCopySends);
        }
    }

    /** Whether the filled-in {@code io_uring_probe} says the kernel knows {@code op}. */
    private static boolean supports(MemorySegment probe, int op) {
        int opsLen = Byte.toUnsignedInt(probe.get(JAVA_BYTE, 1)); // ops_len: the entries the kernel filled in
        long entry = IoUringLayouts.PROBE.byteSize() + op * IoUringLayouts.PROBE_OP.byteSize();
        return op < opsLen && (probe.get(JAVA_SHORT, entry + 2) & IO_URING_OP_SUPPORTED) != 0;
    }

    static BackendUnavailableException explainSetupFailure(PortException e, int disabledSysctl) {
        int errno = e.errno();
        String message;
        if (errno == Errno.EPERM) {
            message = disabledSysctl == 1
                    ? "io_uring_setup was refused (EPERM): kernel.io_uring_disabled=1 allows it only to root and the "
                      + "group in kernel.io_uring_group; set the sysctl to 0 or add this user to that group"
                    : "io_uring_setup was refused (EPERM): a seccomp profile blocks io_uring (Docker's default profile "
                      + "does); run the container with --security-opt seccomp=unconfined or a profile that allows "
                      + "io_uring_setup, io_uring_enter and io_uring_register";
        } else if (errno == Errno.ENOSYS) {
            message = "io_uring_setup does not exist (ENOSYS): the kernel (" + System.getProperty("os.version")
                    + ") is older than 5.1 or built without CONFIG_IO_URING; the io_uring backend needs Linux 5.19 or newer";
        } else if (errno == Errno.ENOMEM) {
            message = "io_uring_setup could not allocate its rings (ENOMEM): kernels before 5.12 charge them to "
                    + "RLIMIT_MEMLOCK, which is " + memlockLimit() + " here; raise it (ulimit -l, LimitMEMLOCK= in "
                    + "systemd, docker --ulimit memlock=-1)";
        } else if (errno == Errno.EINVAL) {
            message = "io_uring_setup rejected every flag set we know (EINVAL): the kernel (" + System.getProperty("os.version")
                    + ") is older than 5.19, which the io_uring backend needs";
        } else {
            message = e.getMessage();
        }
        return new BackendUnavailableException(message, e);
    }

    private static BackendUnavailableException tooOld(String what) {
        return new BackendUnavailableException("the kernel (" + System.getProperty("os.version") + ") is too old: " + what
                + "; the io_uring backend needs Linux 5.19 or newer");
    }

    private static String memlockLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(16, 8);
            if (Syscalls.getrlimit(RLIMIT_MEMLOCK, rlimit.address()) < 0) {
                return "unknown";
            }
            long soft = rlimit.get(JAVA_LONG, 0);
            return soft == -1 ? "unlimited" : (soft / 1024) + " KiB";
        }
    }

    private static int readSysctl(String path) {
        try {
            return Integer.parseInt(Files.readString(Path.of(path)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0; // no such sysctl (before 6.6): nothing disables io_uring that way
        }
    }

    static String setupFlagNames(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & IORING_SETUP_SINGLE_ISSUER) != 0) {
            names.add("SINGLE_ISSUER");
        }
        if ((flags & IORING_SETUP_DEFER_TASKRUN) != 0) {
            names.add("DEFER_TASKRUN");
        }
        if ((flags & IORING_SETUP_COOP_TASKRUN) != 0) {
            names.add("COOP_TASKRUN");
        }
        if ((flags & IORING_SETUP_TASKRUN_FLAG) != 0) {
            names.add("TASKRUN_FLAG");
        }
        if ((flags & IORING_SETUP_SUBMIT_ALL) != 0) {
            names.add("SUBMIT_ALL");
        }
        if ((flags & IORING_SETUP_NO_SQARRAY) != 0) {
            names.add("NO_SQARRAY");
        }
        return names.toString();
    }
}
