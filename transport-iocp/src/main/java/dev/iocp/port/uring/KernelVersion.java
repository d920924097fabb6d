package dev.iocp.port.uring;

/**
 * The running kernel's version, for features io_uring offers no probe for (multishot receive
 * is a flag of an existing opcode, so {@code IORING_REGISTER_PROBE} cannot tell).
 */
final class KernelVersion {
    private static final int[] RUNNING = parse(System.getProperty("os.version", ""));

    private KernelVersion() {
    }

    /** Whether the kernel is {@code major.minor} or newer; false when its version cannot be read. */
    static boolean atLeast(int major, int minor) {
        return RUNNING[0] > major || (RUNNING[0] == major && RUNNING[1] >= minor);
    }

    /** "6.18.0-foo" → {6, 18}; anything unreadable → {0, 0}. */
    static int[] parse(String version) {
        int[] parts = new int[2];
        int part = 0;
        for (int i = 0; i < version.length() && part < 2; i++) {
            char c = version.charAt(i);
            if (c >= '0' && c <= '9') {
                parts[part] = parts[part] * 10 + (c - '0');
            } else if (c == '.') {
                part++;
            } else {
                break;
            }
        }
        return parts;
    }
}
