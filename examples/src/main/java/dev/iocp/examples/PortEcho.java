package dev.iocp.examples;

import dev.iocp.port.Backend;
import dev.iocp.port.Backends;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The completion-port core on its own, without Netty: one port, a listener and a client on
 * loopback, a message sent, echoed and read back, every step a completion dequeued from the
 * port. (The Netty examples come with the Netty layer.)
 *
 * <p>Usage: {@code PortEcho [--port N] [message]}
 */
public final class PortEcho {
    private static final long LISTENER = 1;
    private static final long CLIENT = 2;
    private static final long SERVER = 3;

    private final CompletionPort port;
    private final PortSocket listener;
    private final PortSocket client;
    private final ByteBuffer message;
    private final ByteBuffer serverBuffer = ByteBuffer.allocateDirect(4096);
    private final ByteBuffer clientBuffer = ByteBuffer.allocateDirect(4096);
    private PortSocket server;
    private boolean done;

    private PortEcho(CompletionPort port, int listenPort, String text) throws IOException {
        this.port = port;
        Backend backend = port.backend();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        message = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        listener = backend.openSocket(StandardProtocolFamily.INET);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
        listener.listen(16);
        port.register(listener, LISTENER);
        client = backend.openSocket(StandardProtocolFamily.INET);
        port.register(client, CLIENT);
    }

    public static void main(String[] args) throws Exception {
        int listenPort = 0;
        String text = "hello, completion port";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                listenPort = Integer.parseInt(args[++i]);
            } else {
                text = args[i];
            }
        }
        Backend backend = Backends.selected();
        System.out.println("backend: " + backend.description());
        try (CompletionPort port = backend.openPort(PortConfig.DEFAULT)) {
            new PortEcho(port, listenPort, text).run();
        }
    }

    private void run() throws IOException {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress(); // a TCP socket's
        System.out.println("listening on " + address);
        port.submitAccept(listener);
        port.submitConnect(client, address);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no echo within 10 s");
            }
            port.dequeue(this::onCompletion, 16, TimeUnit.SECONDS.toNanos(1));
        }
    }

    private void onCompletion(long key, Operation operation, int result, int flags, long id) {
        try {
            if (result < 0) {
                throw PortException.of(operation, null, result);
            }
            System.out.printf("completion: key=%d %s result=%d%n", key, operation, result);
            switch (operation) {
                case ACCEPT -> {
                    server = port.adoptAccepted(listener, result);
                    port.register(server, SERVER);
                    port.submitReceive(server, serverBuffer);
                }
                case CONNECT -> port.submitSend(client, message);
                case SEND -> {
                    if (key == CLIENT) {
                        port.submitReceive(client, clientBuffer);
                    }
                }
                case RECEIVE -> {
                    if (key == SERVER) {
                        port.submitSend(server, serverBuffer.slice(0, result)); // echo it back
                    } else {
                        byte[] echoed = new byte[result];
                        clientBuffer.get(0, echoed);
                        System.out.println("echoed: " + new String(echoed, StandardCharsets.UTF_8));
                        port.submitClose(client);
                        port.submitClose(server);
                    }
                }
                case CLOSE -> done |= key == SERVER;
                default -> { }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
