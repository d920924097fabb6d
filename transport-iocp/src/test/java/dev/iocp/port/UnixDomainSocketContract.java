package dev.iocp.port;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix-domain stream sockets ({@code StandardProtocolFamily.UNIX}) on a port: bound to paths,
 * accepted, connected, with bytes both ways and the end of the stream, as TCP sockets are; the
 * addresses they report; and what they refuse. What differs by backend (abstract names, peer
 * credentials) the subclasses say.
 */
public abstract class UnixDomainSocketContract extends PortFixture {
    private static final StandardProtocolFamily UNIX = StandardProtocolFamily.UNIX;

    @TempDir
    protected Path directory;

    /** A listener bound to {@code address}, registered with key 0. */
    protected PortSocket listener(SocketAddress address) throws IOException {
        PortSocket listener = backend().openSocket(UNIX);
        listener.bind(address);
        listener.listen(16);
        port.register(listener, 0);
        return listener;
    }

    protected UnixDomainSocketAddress path(String name) {
        return UnixDomainSocketAddress.of(directory.resolve(name));
    }

    /** Sends {@code text} on {@code from} and receives it whole on {@code to}. */
    protected void transfer(PortSocket from, PortSocket to, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        long send = port.submitSend(from, out);
        assertEquals(bytes.length, driver.await(c -> c.id() == send, "the send").result());
        ByteBuffer in = ByteBuffer.allocateDirect(bytes.length);
        while (in.hasRemaining()) {
            long receive = port.submitReceive(to, in);
            int result = driver.await(c -> c.id() == receive, "a receive").result();
            assertTrue(result > 0, () -> "received " + Errno.describe(result));
            in.position(in.position() + result);
        }
        assertEquals(text, StandardCharsets.UTF_8.decode(in.flip()).toString());
    }

    @Test
    void aListenerOnAPathAcceptsAConnectionThatCarriesBytesBothWaysAndItsEnd() throws IOException {
        UnixDomainSocketAddress address = path("echo.sock");
        PortSocket listener = listener(address);
        assertTrue(Files.exists(address.getPath()), "bind made the socket file");
        Pair pair = connect(listener, UNIX, address);
        transfer(pair.client(), pair.server(), "hello over AF_UNIX");
        transfer(pair.server(), pair.client(), "and back");

        pair.client().shutdown(ShutdownMode.OUTPUT);
        long end = port.submitReceive(pair.server(), ByteBuffer.allocateDirect(16));
        assertEquals(0, driver.await(c -> c.id() == end, "the end of the stream").result());
        long close = port.submitClose(pair.client());
        driver.await(c -> c.id() == close, "the client's close");
        long server = port.submitClose(pair.server());
        driver.await(c -> c.id() == server, "the server's close");
        listener.close();
        assertTrue(Files.exists(address.getPath()), "a socket's close leaves its file, as close(2) does");
    }

    @Test
    void aStreamReceiveDeliversEveryArrivalAndThenTheEnd() throws IOException {
        UnixDomainSocketAddress address = path("stream.sock");
        PortSocket listener = listener(address);
        int total = 64 * 1024; // fits in the socket's buffer: the blocking JDK peer writes it all at once
        ByteBuffer data = ByteBuffer.allocate(total);
        for (int i = 0; i < total; i++) {
            data.put((byte) i);
        }
        try (SocketChannel peer = SocketChannel.open(address)) {
            peer.write(data.flip());
            peer.shutdownOutput();
            PortSocket server = adoptOne(listener);
            long stream = port.submitReceiveStream(server);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            int[] end = {Integer.MIN_VALUE};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (end[0] == Integer.MIN_VALUE && System.nanoTime() < deadline) {
                port.dequeue((key, operation, result, flags, id) -> {
                    assertEquals(stream, id);
                    if ((flags & CompletionFlags.MORE) != 0) {
                        ByteBuffer bytes = port.receivedBytes();
                        byte[] copy = new byte[bytes.remaining()];
                        bytes.get(copy);
                        received.writeBytes(copy);
                    } else {
                        end[0] = result;
                    }
                }, 64, TimeUnit.MILLISECONDS.toNanos(200));
            }
            assertEquals(0, end[0], "the stream ends with the end of input");
            assertEquals(total, received.size());
            assertEquals(-1, ByteBuffer.wrap(received.toByteArray()).mismatch(data.clear()));
        }
    }

    /** Accepts one connection on {@code listener} and registers it with key 2. */
    protected PortSocket adoptOne(PortSocket listener) throws IOException {
        long accept = port.submitAccept(listener);
        PortSocket[] server = new PortSocket[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server[0] == null && System.nanoTime() < deadline) {
            port.dequeue((key, operation, result, flags, id) -> {
                assertEquals(accept, id);
                assertTrue(result >= 0, () -> Errno.describe(result));
                try {
                    server[0] = port.adoptAccepted(listener, result);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 1, TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertNotNull(server[0], "accepted");
        port.register(server[0], 2);
        return server[0];
    }

    @Test
    void socketsReportThePathsTheyAreBoundToAndTheEmptyPathForUnnamedEnds() throws IOException {
        UnixDomainSocketAddress address = path("names.sock");
        PortSocket listener = listener(address);
        PortSocket unbound = backend().openSocket(UNIX);
        assertNull(unbound.localAddress(), "not bound, not connected");
        assertNull(unbound.remoteAddress());
        unbound.close();

        Pair pair = connect(listener, UNIX, address);
        UnixDomainSocketAddress unnamed = UnixDomainSocketAddress.of("");
        assertEquals(address, listener.localAddress());
        assertEquals(address, pair.server().localAddress());
        assertEquals(address, pair.client().remoteAddress());
        assertEquals(unnamed, pair.client().localAddress(), "a client that never bound is unnamed");
        assertEquals(unnamed, pair.server().remoteAddress());
    }

    @Test
    void anAcceptedConnectionReportsThePathItsClientBoundTo() throws IOException {
        UnixDomainSocketAddress address = path("server.sock");
        UnixDomainSocketAddress clientAddress = path("client.sock");
        PortSocket listener = listener(address);
        PortSocket client = open(UNIX, 1);
        client.bind(clientAddress);
        PortSocket server = acceptWhileConnecting(listener, client);
        assertEquals(clientAddress, server.remoteAddress());
        assertEquals(clientAddress, client.localAddress());
    }

    @Test
    void connectingToAPathWithoutASocketFailsWithEnoent() throws IOException {
        PortSocket client = open(UNIX, 1);
        long connect = port.submitConnect(client, path("nobody.sock"));
        assertEquals(-Errno.ENOENT, driver.await(c -> c.id() == connect, "the connect").result());
    }

    @Test
    void connectingToASocketFileWhoseListenerClosedFailsWithEconnrefused() throws IOException {
        UnixDomainSocketAddress address = path("gone.sock");
        listener(address).close();
        PortSocket client = open(UNIX, 1);
        long connect = port.submitConnect(client, address);
        assertEquals(-Errno.ECONNREFUSED, driver.await(c -> c.id() == connect, "the connect").result());
    }

    @Test
    void aPathInUseCannotBeListenedOnAgain() throws IOException {
        UnixDomainSocketAddress address = path("taken.sock");
        listener(address);
        PortSocket second = backend().openSocket(UNIX);
        // bind(2) fails at once on io_uring; nio binds when the socket listens (see NioSocket).
        PortException failure = assertThrows(PortException.class, () -> {
            second.bind(address);
            second.listen(16);
        });
        assertEquals("EADDRINUSE", failure.errnoName());
        second.close();
    }

    @Test
    void inetAddressesAreRefusedWithoutTakingAnOperation() throws IOException {
        PortSocket socket = open(UNIX, 1);
        InetSocketAddress inet = new InetSocketAddress(InetAddress.getLoopbackAddress(), 80);
        IllegalArgumentException bind = assertThrows(IllegalArgumentException.class, () -> socket.bind(inet));
        assertTrue(bind.getMessage().startsWith("a UNIX socket cannot use the address "), bind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> port.submitConnect(socket, inet));
        assertEquals(0, socket.pendingOperations());
        assertEquals(0, port.pendingOperations());

        PortSocket tcp = open(StandardProtocolFamily.INET, 2);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> port.submitConnect(tcp, path("x.sock")));
        assertTrue(refused.getMessage().endsWith("it takes an InetSocketAddress"), refused.getMessage());
    }

    @Test
    void tcpOptionsAreRefusedAndBufferSizesTaken() throws IOException {
        PortSocket socket = backend().openSocket(UNIX);
        assertFalse(socket.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY));
        assertTrue(socket.supportedOptions().contains(StandardSocketOptions.SO_SNDBUF));
        assertThrows(UnsupportedOperationException.class, () -> socket.setOption(StandardSocketOptions.TCP_NODELAY, true));
        assertThrows(UnsupportedOperationException.class, () -> socket.getOption(StandardSocketOptions.SO_KEEPALIVE));
        socket.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        assertTrue(socket.getOption(StandardSocketOptions.SO_SNDBUF) >= 64 * 1024);
        socket.close();
    }

    @Test
    void aJdkClientTalksToAPortListener() throws IOException {
        UnixDomainSocketAddress address = path("jdk.sock");
        PortSocket listener = listener(address);
        try (SocketChannel jdk = SocketChannel.open(address)) {
            PortSocket server = adoptOne(listener);
            jdk.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer in = ByteBuffer.allocateDirect(4);
            long receive = port.submitReceive(server, in);
            assertEquals(4, driver.await(c -> c.id() == receive, "the receive").result());
        }
    }

    @Test
    void anUnboundSocketCannotListen() throws IOException {
        PortSocket listener = backend().openSocket(UNIX);
        PortException refused = assertThrows(PortException.class, () -> listener.listen(4));
        assertEquals("EINVAL", refused.errnoName());
        listener.close();
    }
}
