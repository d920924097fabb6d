package dev.iocp.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link EchoServer} with {@link EchoClient}, and with a plain socket, on each transport. */
class EchoTest {
    private static RunningServer start(Transport transport) throws InterruptedException {
        Transports.assumeAvailable(transport);
        return EchoServer.start(transport, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void echoClientGetsAFewKilobytesBack(Transport transport) throws Exception {
        try (RunningServer server = start(transport)) {
            assertEquals(5000, EchoClient.run(transport, server.localAddress(), 5000));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void echoClientGetsAMegabyteBack(Transport transport) throws Exception {
        try (RunningServer server = start(transport)) {
            assertEquals(1 << 20, EchoClient.run(transport, server.localAddress(), 1 << 20));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void plainSocketGetsAMegabyteBack(Transport transport) throws Exception {
        byte[] message = EchoClient.message(1 << 20);
        try (RunningServer server = start(transport);
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(20_000);
            // Send from another thread: the server stops reading while its replies are not being
            // read, so sending all before reading anything could block both sides.
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    out.write(message);
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            InputStream in = socket.getInputStream();
            assertArrayEquals(message, in.readNBytes(message.length));
            sent.get(20, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void echoClientReportsARefusedConnection(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        int port;
        try (RunningServer server = start(transport)) {
            port = server.port(); // free again once closed
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        assertThrows(IOException.class, () -> EchoClient.run(transport, address, 10));
    }
}
