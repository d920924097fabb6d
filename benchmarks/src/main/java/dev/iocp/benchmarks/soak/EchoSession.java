package dev.iocp.benchmarks.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.SplittableRandom;

/**
 * One echo connection: a few chunks of 1 B to 256 KiB are sent and every echoed byte is checked,
 * then the connection ends in one of the ways of {@link Ending}.
 *
 * <p>A virtual thread writes while the session's thread reads. With one thread writing a whole
 * chunk before reading, client and server could both block on full buffers (the server stops
 * reading when its client does not read); two threads keep the echo flowing, as a real streaming
 * client does, and let the server's backpressure work in both directions.
 */
final class EchoSession {
    /** How a session ends. */
    enum Ending {
        /** All verified, then an orderly close. */
        CLOSE,
        /** The client shuts its output after the last chunk, reads the whole echo, then expects the server to close. */
        HALF_CLOSE,
        /** After a random part of the echo is verified, the client resets the connection, often mid-transfer. */
        RESET
    }

    private static final int MAX_CHUNKS = 8;
    private static final int MAX_CHUNK_BITS = 18; // 256 KiB

    private EchoSession() {
    }

    static void run(InetSocketAddress address, SplittableRandom random, Ending ending, DriverTally tally)
            throws IOException, VerificationFailure, InterruptedException {
        int[] chunks = new int[1 + random.nextInt(MAX_CHUNKS)];
        long total = 0;
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = chunkSize(random);
            total += chunks[i];
        }
        long seed = random.nextLong();
        long verifyBytes = ending == Ending.RESET ? random.nextLong(total) : total;

        Socket socket = ClientSockets.connect(address);
        Writer writer = new Writer(socket, seed, chunks, ending == Ending.HALF_CLOSE);
        Thread writerThread = Thread.ofVirtual().name("echo-writer").start(writer);
        boolean echoedAll = false;
        try {
            InputStream in = socket.getInputStream();
            verify(in, new ByteStream(seed), verifyBytes, total, tally);
            if (ending == Ending.HALF_CLOSE && in.read() != -1) {
                throw new VerificationFailure("extra", "data after the whole echo of " + total + " B (half-closed)");
            }
            echoedAll = ending != Ending.RESET;
        } finally {
            if (echoedAll) {
                // Everything written came back, so the writer is done or about to return; let it,
                // rather than close under a write that has in fact completed.
                writerThread.join();
            }
            // Otherwise closing is also what unblocks a writer stuck on a server that stopped reading.
            if (ending == Ending.RESET) {
                ClientSockets.reset(socket);
            } else {
                socket.close();
            }
            writerThread.join();
        }
        // After a reset the writer is expected to fail; otherwise its failure is the session's.
        if (ending != Ending.RESET && writer.failure != null) {
            throw writer.failure;
        }
    }

    /** 1 B to 256 KiB, spread evenly over the powers of two, so small and large chunks are both common. */
    private static int chunkSize(SplittableRandom random) {
        int power = 1 << random.nextInt(MAX_CHUNK_BITS + 1);
        return Math.min(1 << MAX_CHUNK_BITS, power + random.nextInt(power));
    }

    private static void verify(InputStream in, ByteStream expected, long bytes, long total, DriverTally tally)
            throws IOException, VerificationFailure {
        byte[] buffer = new byte[64 * 1024];
        long verified = 0;
        while (verified < bytes) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - verified));
            if (n < 0) {
                throw new VerificationFailure("short", "echo ended after " + verified + " of " + total + " B");
            }
            int mismatch = expected.firstMismatch(buffer, n);
            if (mismatch >= 0) {
                throw new VerificationFailure("mismatch", "echo byte " + (verified + mismatch) + " of " + total
                        + " differs");
            }
            verified += n;
            tally.echoVerified(n);
        }
    }

    /** Sends the chunks; remembers a failure for the reading side to judge. */
    private static final class Writer implements Runnable {
        private final Socket socket;
        private final long seed;
        private final int[] chunks;
        private final boolean halfClose;
        private volatile IOException failure;

        Writer(Socket socket, long seed, int[] chunks, boolean halfClose) {
            this.socket = socket;
            this.seed = seed;
            this.chunks = chunks;
            this.halfClose = halfClose;
        }

        @Override
        public void run() {
            ByteStream stream = new ByteStream(seed);
            try {
                OutputStream out = socket.getOutputStream();
                for (int size : chunks) {
                    byte[] chunk = new byte[size];
                    stream.fill(chunk, size);
                    out.write(chunk);
                }
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
