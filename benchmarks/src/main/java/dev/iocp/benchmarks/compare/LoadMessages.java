package dev.iocp.benchmarks.compare;

/** The bytes the echo loads send: a fixed, recognisable pattern, the same for every transport. */
final class LoadMessages {
    private LoadMessages() {
    }

    static byte[] message(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("message size " + size + " < 1");
        }
        byte[] message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        return message;
    }
}
