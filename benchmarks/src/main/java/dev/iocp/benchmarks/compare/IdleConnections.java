package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many connections that each made one echo round trip and then sit idle: what a server holds per
 * connection that is open but quiet. Opened one after another (blocking), so the accept queue
 * never overflows and every connection has been accepted, read from and written to by the time
 * {@link #open} returns.
 *
 * <p>They are closed with an orderly FIN, the way most idle connections end.
 */
final class IdleConnections implements AutoCloseable {
    /** A connection not connected and echoed within this long fails the workload. */
    private static final long STUCK_SECONDS = 10;

    private final List<SocketChannel> channels;

    private IdleConnections(List<SocketChannel> channels) {
        this.channels = channels;
    }

    static IdleConnections open(InetSocketAddress server, int count, int messageSize) throws IOException {
        List<SocketChannel> channels = new ArrayList<>(count);
        ByteBuffer out = ByteBuffer.allocateDirect(messageSize).put(LoadMessages.message(messageSize)).flip();
        ByteBuffer in = ByteBuffer.allocateDirect(messageSize);
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                try (Watchdog _ = Watchdog.arm(channel, TimeUnit.SECONDS.toNanos(STUCK_SECONDS))) {
                    channel.connect(server);
                    out.rewind();
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                    in.clear();
                    while (in.hasRemaining()) {
                        if (channel.read(in) < 0) {
                            throw new IOException("the server closed idle connection " + i + " before echoing");
                        }
                    }
                } catch (AsynchronousCloseException e) {
                    throw new IOException("idle connection " + i + " got no echo within " + STUCK_SECONDS + " s", e);
                }
            }
        } catch (IOException | RuntimeException e) {
            IOException failure = new IOException("opening idle connection " + channels.size() + " of " + count
                    + " failed: " + e, e);
            try {
                new IdleConnections(channels).close();
            } catch (IOException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
        return new IdleConnections(channels);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        channels.clear();
        if (first != null) {
            throw first;
        }
    }
}
