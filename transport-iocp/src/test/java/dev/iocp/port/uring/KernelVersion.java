package dev.iocp.port.uring;

/** The running Linux kernel's version, for tests of behaviour that arrived in a given release. */
final class KernelVersion {
    private KernelVersion() {
    }

    /** Whether the kernel ({@code os.version}, e.g. {@code 6.18.44-fc}) is {@code major.minor} or newer. */
    static boolean atLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version").split("\\.");
        int runningMajor = Integer.parseInt(parts[0]);
        int runningMinor = Integer.parseInt(parts[1].replaceAll("\\D.*", ""));
        return runningMajor > major || (runningMajor == major && runningMinor >= minor);
    }
}
