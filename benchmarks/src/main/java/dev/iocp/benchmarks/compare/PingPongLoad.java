package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One connection, one message at a time, every round trip timed. A blocking socket: the thread
 * waits inside read(2), which adds the least of the client's own overhead to each round trip.
 */
final class PingPongLoad implements AutoCloseable {
    private static final long STUCK_SECONDS = 10;

    private final SocketChannel channel;
    private final ByteBuffer out;
    private final ByteBuffer in;

    private PingPongLoad(SocketChannel channel, int messageSize) {
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(messageSize).put(LoadMessages.message(messageSize)).flip();
        this.in = ByteBuffer.allocateDirect(messageSize);
    }

    static PingPongLoad open(InetSocketAddress server, int messageSize) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(server);
            return new PingPongLoad(channel, messageSize);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Runs round trips for {@code nanos}, recording each one's time in {@code samples} when not
     * null. A round trip still unanswered {@value #STUCK_SECONDS} s after the end closes the
     * connection and fails the run.
     */
    void runFor(long nanos, LatencySamples samples) throws IOException {
        try (Watchdog _ = Watchdog.arm(channel, nanos + TimeUnit.SECONDS.toNanos(STUCK_SECONDS))) {
            roundTrips(nanos, samples);
        } catch (AsynchronousCloseException e) {
            throw new IOException("a ping-pong round trip went unanswered for " + STUCK_SECONDS + " s", e);
        }
    }

    private void roundTrips(long nanos, LatencySamples samples) throws IOException {
        long deadline = System.nanoTime() + nanos;
        long start;
        while ((start = System.nanoTime()) < deadline) {
            out.rewind();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            in.clear();
            while (in.hasRemaining()) {
                if (channel.read(in) < 0) {
                    throw new IOException("the server closed the ping-pong connection");
                }
            }
            long end = System.nanoTime();
            if (samples != null) {
                samples.record(end - start);
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
