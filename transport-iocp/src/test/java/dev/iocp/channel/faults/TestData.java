package dev.iocp.channel.faults;

/**
 * Test bytes: a position-dependent pattern in {@code [0, 0x7e]}, so it never contains
 * {@link PoisoningAllocator#POISON} and a byte out of place shows which offset went wrong.
 */
public final class TestData {
    private TestData() {
    }

    /** The byte at {@code offset} of the stream with this seed. */
    public static byte at(long seed, long offset) {
        long x = (offset + 1) * 0x9E3779B97F4A7C15L ^ seed;
        x ^= x >>> 29;
        return (byte) ((x & 0x7fffffffL) % 127);
    }

    /** Fills {@code into[from, from+length)} with the stream from {@code offset}. */
    public static void fill(long seed, long offset, byte[] into, int from, int length) {
        for (int i = 0; i < length; i++) {
            into[from + i] = at(seed, offset + i);
        }
    }

    /** {@code length} bytes of the stream from {@code offset}. */
    public static byte[] bytes(long seed, long offset, int length) {
        byte[] bytes = new byte[length];
        fill(seed, offset, bytes, 0, length);
        return bytes;
    }

    /**
     * The first offset (relative to {@code from}) where {@code got} differs from the stream at
     * {@code offset}, or -1.
     */
    public static int mismatch(long seed, long offset, byte[] got, int from, int length) {
        for (int i = 0; i < length; i++) {
            if (got[from + i] != at(seed, offset + i)) {
                return i;
            }
        }
        return -1;
    }
}
