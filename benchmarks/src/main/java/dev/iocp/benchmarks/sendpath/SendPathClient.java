package dev.iocp.benchmarks.sendpath;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load of the send-path measurements, with plain java.nio sockets so that every server
 * transport meets the same client:
 * <ul>
 *   <li>{@code bulk}: one connection; one thread writes {@code SIZE}-byte buffers as fast as the
 *       socket takes them, another reads the echo;</li>
 *   <li>{@code echo}: {@code CONNECTIONS} connections, each sending a {@code SIZE}-byte message
 *       and waiting for its echo before sending the next (one thread, one selector).</li>
 * </ul>
 * After {@code WARMUP} seconds it measures for {@code SECONDS}: echoed bytes and messages, and,
 * from the server's control port, the server's CPU time and its event-loop thread's allocation
 * over exactly that window. Prints one line of {@code name=value} figures.
 *
 * <p>Usage: {@code SendPathClient bulk|echo PORT CONTROL_PORT WARMUP SECONDS CONNECTIONS SIZE}.
 */
public final class SendPathClient {
    private final InetSocketAddress server;
    private final int controlPort;

    private SendPathClient(int port, int controlPort) {
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.controlPort = controlPort;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: SendPathClient bulk|echo PORT CONTROL_PORT WARMUP SECONDS CONNECTIONS SIZE");
        }
        SendPathClient client = new SendPathClient(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        long warmupNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        long measureNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        int connections = Integer.parseInt(args[5]);
        int size = Integer.parseInt(args[6]);
        Window window = switch (args[0]) {
            case "bulk" -> client.bulk(warmupNanos, measureNanos, size);
            case "echo" -> client.echo(warmupNanos, measureNanos, connections, size);
            default -> throw new IllegalArgumentException("mode must be bulk or echo, not " + args[0]);
        };
        System.out.println(window.report());
    }

    /** Server figures at one moment: process CPU time and the event loop's allocated bytes. */
    private record ServerStats(long cpuNanos, long loopAllocatedBytes) {
    }

    private ServerStats serverStats() throws IOException {
        try (Socket control = new Socket(InetAddress.getLoopbackAddress(), controlPort);
             PrintWriter out = new PrintWriter(control.getOutputStream(), true, StandardCharsets.US_ASCII);
             BufferedReader in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII))) {
            out.println("stats");
            String[] fields = in.readLine().split(" ");
            return new ServerStats(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
        }
    }

    /** What one measurement window saw. */
    private record Window(long nanos, long bytes, long messages, ServerStats start, ServerStats end) {
        String report() {
            double seconds = nanos / 1e9;
            double megabytes = bytes / 1e6;
            long cpu = end.cpuNanos - start.cpuNanos;
            long allocated = end.loopAllocatedBytes - start.loopAllocatedBytes;
            return String.format(Locale.ROOT, "MBps=%.1f msgps=%.0f cpu_us_per_MB=%.1f cpu_us_per_msg=%.2f alloc_B_per_msg=%.1f alloc_B_per_MB=%.0f",
                    megabytes / seconds, messages / seconds, cpu / 1e3 / megabytes, cpu / 1e3 / messages,
                    (double) allocated / messages, allocated / megabytes);
        }
    }

    private Window bulk(long warmupNanos, long measureNanos, int size) throws Exception {
        SocketChannel channel = SocketChannel.open(server);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        AtomicLong received = new AtomicLong();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            try {
                while (true) {
                    out.clear();
                    while (out.hasRemaining()) {
                        channel.write(out);
                    }
                }
            } catch (IOException closed) {
                // the measurement is over
            }
        });
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer in = ByteBuffer.allocateDirect(4 * size);
            try {
                int n;
                while ((n = channel.read(in.clear())) >= 0) {
                    received.lazySet(received.get() + n);
                }
            } catch (IOException closed) {
                // the measurement is over
            }
        });
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(warmupNanos));
        ServerStats start = serverStats();
        long bytesAtStart = received.get();
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(measureNanos));
        long bytes = received.get() - bytesAtStart;
        long elapsed = System.nanoTime() - t0;
        ServerStats end = serverStats();
        channel.close();
        writer.join();
        reader.join();
        return new Window(elapsed, bytes, bytes / size, start, end);
    }

    private Window echo(long warmupNanos, long measureNanos, int connections, int size) throws IOException {
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(server);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                EchoConnection connection = new EchoConnection(channel, size);
                channel.register(selector, SelectionKey.OP_READ, connection);
                connection.send();
            }
            long messages = 0;
            long startAt = System.nanoTime() + warmupNanos;
            long endAt = startAt + measureNanos;
            long messagesAtStart = 0;
            long t0 = 0;
            ServerStats start = null;
            while (true) {
                long now = System.nanoTime();
                if (start == null && now >= startAt) {
                    start = serverStats();
                    messagesAtStart = messages;
                    t0 = System.nanoTime();
                } else if (start != null && now >= endAt) {
                    long elapsed = now - t0;
                    long counted = messages - messagesAtStart;
                    ServerStats end = serverStats();
                    for (SelectionKey key : selector.keys()) {
                        key.channel().close();
                    }
                    return new Window(elapsed, counted * size, counted, start, end);
                }
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    messages += ((EchoConnection) key.attachment()).readable();
                }
                selector.selectedKeys().clear();
            }
        }
    }

    /** One ping-pong connection: a message out, its echo in, the next message out. */
    private static final class EchoConnection {
        private final SocketChannel channel;
        private final ByteBuffer out;
        private final ByteBuffer in;

        EchoConnection(SocketChannel channel, int size) {
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(size);
        }

        void send() throws IOException {
            out.clear();
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }

        /** Reads what arrived; returns 1 when a whole echo is in (and the next message has gone out). */
        int readable() throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed " + channel);
            }
            if (in.hasRemaining()) {
                return 0;
            }
            in.clear();
            send();
            return 1;
        }
    }
}
