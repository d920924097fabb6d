package dev.iocp.benchmarks.soak;

/**
 * An endless pseudo-random byte sequence fixed by its seed. An echo client's writer and reader
 * each hold one with the same seed: the writer sends the sequence, the reader checks the echo
 * against it, byte for byte, without keeping what was sent. The sequence does not depend on how
 * it is cut into pieces, so the reader may receive the echo in any split. Random content (not a
 * counter) means a lost, duplicated or reordered piece is caught, not just a wrong byte.
 */
final class ByteStream {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;
    private long word;
    private int bytesLeftInWord;

    ByteStream(long seed) {
        this.state = seed;
    }

    /** Writes the next {@code length} bytes of the sequence into {@code target}. */
    void fill(byte[] target, int length) {
        for (int i = 0; i < length; i++) {
            target[i] = next();
        }
    }

    /**
     * Compares {@code received[0, length)} with the next {@code length} bytes of the sequence,
     * consuming them; the index of the first difference, or -1 when all match.
     */
    int firstMismatch(byte[] received, int length) {
        int mismatch = -1;
        for (int i = 0; i < length; i++) {
            if (next() != received[i] && mismatch < 0) {
                mismatch = i;
            }
        }
        return mismatch;
    }

    private byte next() {
        if (bytesLeftInWord == 0) {
            word = mix(state += GOLDEN_GAMMA);
            bytesLeftInWord = Long.BYTES;
        }
        byte b = (byte) word;
        word >>>= Byte.SIZE;
        bytesLeftInWord--;
        return b;
    }

    // SplitMix64's finaliser: consecutive states give unrelated words.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
