package dev.iocp.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpHelloWorldServer} listening on a Unix-domain socket ({@code --unix PATH}) on each
 * transport, talked to over the socket path by the JDK's Unix-domain {@code SocketChannel}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpOverUnixSocketTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersRequestsOverTheSocketAndRemovesItsFileOnShutdown(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        Path socket = directory.resolve("hello.sock");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        try (RunningServer server = HttpHelloWorldServer.start(transport, address)) {
            assertTrue(Files.exists(socket), "listening makes the socket file");
            try (RawHttpConnection connection = new RawHttpConnection(address)) {
                for (int i = 0; i < 3; i++) {
                    connection.send(GET);
                    RawHttpConnection.Response response = connection.read();
                    assertEquals(200, response.status());
                    assertEquals("Hello, World!", response.bodyText());
                    assertNull(response.header("connection"), "HTTP/1.1 keeps alive over a domain socket too");
                }
                connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertEquals("close", connection.read().header("connection"));
                assertTrue(connection.closedByServer(), "the server closed the connection after the response");
            }
            assertTrue(Files.exists(socket));
        }
        assertFalse(Files.exists(socket), "stopping the server removes the socket file");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPathInUseIsAnErrorThatLeavesTheOtherServerRunning(Transport transport) throws Exception {
        Transports.assumeAvailable(transport);
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("taken.sock"));
        try (RunningServer first = HttpHelloWorldServer.start(transport, address)) {
            Exception failure = assertThrows(Exception.class, () -> HttpHelloWorldServer.start(transport, address).close());
            assertTrue(String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("in use"),
                    failure.toString());
            try (RawHttpConnection connection = new RawHttpConnection(address)) {
                connection.send(GET);
                assertEquals(200, connection.read().status());
            }
        }
    }

    @Test
    void theUnixOptionNamesThePathAndExcludesTcpOptions() {
        List<String> options = List.of(CommandLine.TRANSPORT, CommandLine.HOST, CommandLine.PORT, CommandLine.UNIX);
        assertEquals(Path.of("/run/hello.sock"),
                CommandLine.parse(new String[] {"--unix", "/run/hello.sock"}, options).unixSocketPath());
        assertNull(CommandLine.parse(new String[0], options).unixSocketPath());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--unix", "/run/hello.sock", "--port", "80"}, options).unixSocketPath());
        assertEquals("--unix listens on a socket file instead of TCP: it cannot be combined with --host or --port",
                e.getMessage());
    }
}
