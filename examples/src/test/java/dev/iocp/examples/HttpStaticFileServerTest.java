package dev.iocp.examples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpStaticFileServer} on each transport, driven by the JDK's HTTP client and by raw
 * sockets. The served folder sits inside a temporary directory next to a "secret" file, so a
 * path escaping the folder has something real to find.
 */
class HttpStaticFileServerTest {
    private static final byte[] SMALL = "<p>small</p>\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LARGE = new byte[1024 * 1024 + 17];
    private static final String SECRET = "secret, not to be served";

    @TempDir
    static Path temp;
    private static Path served;

    @BeforeAll
    static void createFiles() throws IOException {
        new SplittableRandom(42).nextBytes(LARGE);
        served = Files.createDirectory(temp.resolve("served"));
        Files.write(served.resolve("small.html"), SMALL);
        Files.write(served.resolve("large.bin"), LARGE);
        Files.createDirectory(served.resolve("sub"));
        Files.writeString(served.resolve("sub").resolve("note.txt"), "in a subfolder");
        Files.writeString(temp.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(served.resolve("escape.txt"), temp.resolve("secret.txt"));
        Files.createSymbolicLink(served.resolve("inside.txt"), served.resolve("sub").resolve("note.txt"));
    }

    private static RunningServer start(Transport transport) throws IOException, InterruptedException {
        Transports.assumeAvailable(transport);
        return HttpStaticFileServer.start(transport, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), served);
    }

    private static HttpResponse<byte[]> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void servesSmallAndLargeFilesIntact(Transport transport) throws Exception {
        try (RunningServer server = start(transport); HttpClient client = newClient()) {
            HttpResponse<byte[]> small = get(client, server.port(), "/small.html");
            assertEquals(200, small.statusCode());
            assertArrayEquals(SMALL, small.body());
            assertEquals("text/html; charset=UTF-8", small.headers().firstValue("content-type").orElseThrow());
            assertEquals(SMALL.length, small.headers().firstValueAsLong("content-length").orElseThrow());

            HttpResponse<byte[]> large = get(client, server.port(), "/large.bin");
            assertEquals(200, large.statusCode());
            assertEquals(ContentTypes.DEFAULT, large.headers().firstValue("content-type").orElseThrow());
            assertArrayEquals(LARGE, large.body());

            HttpResponse<byte[]> nested = get(client, server.port(), "/sub/note.txt");
            assertEquals("in a subfolder", new String(nested.body(), StandardCharsets.UTF_8));
            // A link that stays inside the folder is fine.
            assertEquals(200, get(client, server.port(), "/inside.txt").statusCode());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void servesSeveralFilesOnOneConnection(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            // Pipelined: both responses, each a header plus a file region, in order.
            connection.send("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /small.html HTTP/1.1\r\nHost: x\r\n\r\n");
            assertArrayEquals(LARGE, connection.read().body());
            assertArrayEquals(SMALL, connection.read().body());
            connection.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(404, connection.read().status());
            connection.send("GET /small.html HTTP/1.1\r\nHost: x\r\n\r\n");
            assertArrayEquals(SMALL, connection.read().body(), "an error keeps the connection usable");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersHeadWithHeadersOnly(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("HEAD /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Response head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(LARGE.length), head.header("content-length"));
            // Had HEAD sent a body, this would read its bytes instead of the next response.
            connection.send("GET /small.html HTTP/1.1\r\nHost: x\r\n\r\n");
            assertArrayEquals(SMALL, connection.read().body());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void refusesWhatIsNotAFileInTheFolder(Transport transport) throws Exception {
        try (RunningServer server = start(transport); HttpClient client = newClient()) {
            assertEquals(404, get(client, server.port(), "/no-such-file").statusCode());
            assertEquals(403, get(client, server.port(), "/sub/").statusCode(), "no directory listing");
            assertEquals(403, get(client, server.port(), "/escape.txt").statusCode(), "link out of the folder");
            HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/small.html"))
                    .POST(HttpRequest.BodyPublishers.ofString("body")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("allow").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void refusesPathsOutsideTheFolder(Transport transport) throws Exception {
        String[] attempts = {
                "/../../etc/passwd",
                "/../secret.txt",
                "/%2e%2e/secret.txt",
                "/%2E%2E/%2e%2e/etc/passwd",
                "/sub/..%2f..%2fsecret.txt",
                "//etc/passwd",
                "/sub/../../secret.txt",
                "/..\\secret.txt",
        };
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (String path : attempts) {
                connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttpConnection.Response response = connection.read();
                assertTrue(response.status() == 403 || response.status() == 404, path + " answered " + response.status());
                assertTrue(!response.bodyText().contains(SECRET) && !response.bodyText().contains("root:"), path);
            }
            connection.send("GET /sub/../small.html HTTP/1.1\r\nHost: x\r\n\r\n");
            assertArrayEquals(SMALL, connection.read().body(), "'..' that stays inside is fine");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void rejectsBadInputAndKeepsServingOthers(Transport transport) throws Exception {
        try (RunningServer server = start(transport); HttpClient client = newClient()) {
            try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
                connection.send("GET /small.html HTTP/1.1\r\nHost x\r\n\r\n");
                assertEquals(400, connection.read().status());
                assertTrue(connection.closedByServer());
            }
            try (RawHttpConnection connection = new RawHttpConnection(server.port())) {
                connection.send("GET /small.html HTTP/1.1\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n");
                assertEquals(431, connection.read().status());
                assertTrue(connection.closedByServer());
            }
            assertArrayEquals(SMALL, get(client, server.port(), "/small.html").body());
        }
    }
}
