package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many connections, each with one message in flight: write a message, wait until all of it has
 * come back, write the next. One thread and one selector drive them all, so the load costs one
 * core whatever the number of connections.
 *
 * <p>Between {@link #runFor} calls the connections pause; a message in flight then completes in
 * the next call, so each call counts the round trips completed during it, as the server's
 * counters, sampled between calls, see them.
 */
final class EchoLoad implements AutoCloseable {
    private final Selector selector;
    private final List<Connection> connections = new ArrayList<>();
    private long completed;

    private EchoLoad(Selector selector) {
        this.selector = selector;
    }

    /** Connects {@code count} connections to {@code server} and sends each its first message. */
    static EchoLoad open(InetSocketAddress server, int count, int messageSize) throws IOException {
        EchoLoad load = new EchoLoad(Selector.open());
        try {
            byte[] message = LoadMessages.message(messageSize);
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                Connection connection = new Connection(channel, message);
                load.connections.add(connection);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(server);
                channel.configureBlocking(false);
                connection.key = channel.register(load.selector, SelectionKey.OP_READ, connection);
                connection.send();
            }
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    /** Drives the connections for {@code nanos}; the round trips completed meanwhile. */
    long runFor(long nanos) throws IOException {
        completed = 0;
        long deadline = System.nanoTime() + nanos;
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            // At least 1 ms: select(0) would wait forever.
            selector.select(this::handle, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return completed;
    }

    private void handle(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isReadable() && connection.receive()) {
                completed++;
                connection.send();
            } else if (key.isWritable()) {
                connection.send();
            }
        } catch (IOException e) {
            throw new LoadFailure("echo connection failed after " + completed + " round trips in this interval", e);
        }
    }

    @Override
    public void close() throws IOException {
        for (Connection connection : connections) {
            connection.channel.close();
        }
        selector.close();
    }

    /** One connection: the message it sends and the buffer its echo comes back into. */
    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer in;
        SelectionKey key;
        boolean waitingToWrite;

        Connection(SocketChannel channel, byte[] message) {
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(message.length).put(message).flip();
            this.in = ByteBuffer.allocateDirect(message.length);
        }

        /** Writes (the rest of) the current message; waits for OP_WRITE when the socket is full. */
        void send() throws IOException {
            if (!out.hasRemaining()) {
                out.rewind();
            }
            channel.write(out);
            boolean full = out.hasRemaining();
            if (full != waitingToWrite) {
                waitingToWrite = full;
                key.interestOps(full ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        /** Reads what has come back; whether the whole message now has. */
        boolean receive() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed the connection");
            }
            if (in.hasRemaining()) {
                return false;
            }
            in.clear();
            return true;
        }
    }
}
