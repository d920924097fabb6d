package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One connection streaming writes of a fixed size (64 KiB) that the server echoes back, both
 * directions at once. The bytes written but not yet echoed are bounded by a window, so the load
 * keeps the pipe full without making the server buffer without end (the echo server stops reading
 * while its outbound buffer is above the high-water mark; the window keeps that the exception).
 */
final class BulkLoad implements AutoCloseable {
    /** Unechoed bytes allowed: 16 writes of 64 KiB, more than loopback's socket buffers hold in one go. */
    static final int WINDOW_BYTES = 1 << 20;
    private static final int READ_BUFFER_BYTES = 256 * 1024;

    private final Selector selector;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final ByteBuffer out;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private long sent;
    private long received;
    private boolean waitingToWrite;

    private BulkLoad(Selector selector, SocketChannel channel, int writeSize) throws IOException {
        this.selector = selector;
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(writeSize).put(LoadMessages.message(writeSize)).flip();
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    static BulkLoad open(InetSocketAddress server, int writeSize) throws IOException {
        Selector selector = Selector.open();
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(server);
            channel.configureBlocking(false);
            return new BulkLoad(selector, channel, writeSize);
        } catch (IOException | RuntimeException e) {
            channel.close();
            selector.close();
            throw e;
        }
    }

    /** Streams for {@code nanos}; the bytes echoed back meanwhile. */
    long runFor(long nanos) throws IOException {
        long receivedBefore = received;
        long deadline = System.nanoTime() + nanos;
        long left;
        write();
        while ((left = deadline - System.nanoTime()) > 0) {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
            read();
            write();
        }
        return received - receivedBefore;
    }

    private void read() throws IOException {
        int n;
        while ((n = channel.read(in)) > 0) {
            received += n;
            in.clear();
        }
        if (n < 0) {
            throw new IOException("the server closed the bulk connection after " + received + " bytes");
        }
    }

    private void write() throws IOException {
        boolean full = false;
        while (sent - received < WINDOW_BYTES) {
            if (!out.hasRemaining()) {
                out.rewind();
            }
            int n = channel.write(out);
            sent += n;
            if (out.hasRemaining()) {
                full = true;
                break;
            }
        }
        if (full != waitingToWrite) {
            waitingToWrite = full;
            key.interestOps(full ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        selector.close();
    }
}
