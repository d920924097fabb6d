package dev.iocp.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many connections on one port, each client sending a known byte stream in gathering sends of
 * random chunks, each server side verifying every byte. Client key i, server key
 * {@code SERVER_KEYS + n}; the stream starts with the client's index so the server knows which
 * part of the pattern to expect.
 */
final class LoopbackTransfer {
    private static final long LISTENER_KEY = -1;
    private static final long SERVER_KEYS = 1L << 32;
    private static final int HEADER = 4;

    private final CompletionPort port;
    private final Backend backend;
    private final int connections;
    private final int bytesPerConnection;
    private final ByteBuffer pattern;
    private final SplittableRandom random = new SplittableRandom(42);

    private PortSocket listener;
    private final Client[] clients;
    private Server[] servers;
    private int accepted;
    private int verified;
    private int closed;

    LoopbackTransfer(CompletionPort port, int connections, int bytesPerConnection) {
        this.port = port;
        this.backend = port.backend();
        this.connections = connections;
        this.bytesPerConnection = bytesPerConnection;
        byte[] bytes = new byte[2 * bytesPerConnection];
        new Random(7).nextBytes(bytes);
        this.pattern = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        this.clients = new Client[connections];
        this.servers = new Server[connections];
    }

    /** Offset in the pattern where connection {@code index}'s payload starts. */
    private int patternOffset(int index) {
        return (int) ((index * 7919L) % bytesPerConnection);
    }

    void run() throws IOException {
        listener = backend.openSocket(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(connections + 16);
        port.register(listener, LISTENER_KEY);
        SocketAddress target = listener.localAddress();
        port.submitAccept(listener);
        for (int i = 0; i < connections; i++) {
            clients[i] = new Client(i);
            clients[i].socket = backend.openSocket(StandardProtocolFamily.INET);
            port.register(clients[i].socket, i);
            port.submitConnect(clients[i].socket, target);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (closed < 2 * connections) {
            if (System.nanoTime() > deadline) {
                fail("transfer stalled: accepted " + accepted + ", verified " + verified + ", closed " + closed);
            }
            port.dequeue(this::onCompletion, 256, TimeUnit.SECONDS.toNanos(1));
        }
        assertEquals(connections, verified);
        listener.close();
    }

    private void onCompletion(long key, Operation operation, int result, int flags, long id) {
        try {
            if (key == LISTENER_KEY) {
                onAccept(result);
            } else if (key >= SERVER_KEYS) {
                servers[(int) (key - SERVER_KEYS)].on(operation, result);
            } else {
                clients[(int) key].on(operation, result);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void onAccept(int result) throws IOException {
        assertTrue(result >= 0, () -> PortException.of("accept", null, result).getMessage());
        Server server = new Server(accepted);
        servers[accepted] = server;
        server.socket = port.adoptAccepted(listener, result);
        port.register(server.socket, SERVER_KEYS + accepted);
        accepted++;
        server.receive();
        if (accepted < connections) {
            port.submitAccept(listener);
        }
    }

    private final class Client {
        final int index;
        PortSocket socket;
        final ByteBuffer header = ByteBuffer.allocateDirect(HEADER);
        int sent;
        final ByteBuffer[] chunks = new ByteBuffer[8];
        int chunkCount;

        Client(int index) {
            this.index = index;
            header.putInt(index).flip();
        }

        void on(Operation operation, int result) throws IOException {
            switch (operation) {
                case CONNECT -> {
                    assertEquals(0, result, () -> PortException.of("connect", null, result).getMessage());
                    sendMore();
                }
                case SEND -> {
                    assertTrue(result > 0, () -> PortException.of("send", null, result).getMessage());
                    sent += result;
                    if (sent < bytesPerConnection) {
                        sendMore();
                    } else {
                        assertEquals(bytesPerConnection, sent);
                        port.submitClose(socket);
                    }
                }
                case CLOSE -> closed++;
                default -> fail("unexpected client completion " + operation + " " + result);
            }
        }

        /** A gathering send of 1..8 random chunks covering the next unsent bytes. */
        void sendMore() {
            chunkCount = 0;
            int position = sent;
            int pieces = 1 + random.nextInt(8);
            while (chunkCount < pieces && position < bytesPerConnection) {
                if (position < HEADER) {
                    chunks[chunkCount++] = header.duplicate().position(position);
                    position = HEADER;
                    continue;
                }
                int size = Math.min(1 + random.nextInt(48 * 1024), bytesPerConnection - position);
                int from = patternOffset(index) + position - HEADER;
                chunks[chunkCount++] = pattern.slice(from, size);
                position += size;
            }
            port.submitSend(socket, chunks, 0, chunkCount);
        }
    }

    private final class Server {
        final int order;
        PortSocket socket;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        final ByteBuffer header = ByteBuffer.allocate(HEADER);
        int client = -1;
        int received;

        Server(int order) {
            this.order = order;
        }

        void receive() {
            buffer.clear();
            port.submitReceive(socket, buffer);
        }

        void on(Operation operation, int result) throws IOException {
            switch (operation) {
                case RECEIVE -> {
                    assertTrue(result >= 0, () -> PortException.of("receive", null, result).getMessage());
                    if (result == 0) {
                        assertEquals(bytesPerConnection, received, "bytes received by server " + order);
                        verified++;
                        port.submitClose(socket);
                        return;
                    }
                    verify(result);
                    receive();
                }
                case CLOSE -> closed++;
                default -> fail("unexpected server completion " + operation + " " + result);
            }
        }

        private void verify(int count) {
            int at = 0;
            while (received < HEADER && at < count) {
                header.put(buffer.get(at++));
                received++;
                if (received == HEADER) {
                    client = header.getInt(0);
                }
            }
            int length = count - at;
            if (length == 0) {
                return;
            }
            int from = patternOffset(client) + received - HEADER;
            assertTrue(received + length <= bytesPerConnection, "server " + order + " received too much");
            int mismatch = buffer.slice(at, length).mismatch(pattern.slice(from, length));
            if (mismatch >= 0) {
                fail("client " + client + ": byte " + (received + mismatch) + " differs");
            }
            received += length;
        }
    }
}
