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
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    /** dated.txt's modification time: not on a whole second, as file times seldom are. */
    private static final Instant DATED = Instant.parse("2020-01-01T12:00:00.750Z");
    private static final String DATED_SECOND = "Wed, 01 Jan 2020 12:00:00 GMT";

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
        Files.writeString(served.resolve("dated.txt"), "dated");
        Files.setLastModifiedTime(served.resolve("dated.txt"), FileTime.from(DATED));
        Files.createFile(served.resolve("empty.txt"));
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
            assertStillServes(connection, "an error keeps the connection usable");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersHeadWithTheHeadersOfGetOnly(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("HEAD /large.bin HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Response head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals(String.valueOf(LARGE.length), head.header("content-length"));
            // With a range: the 206's headers, and again no body.
            connection.send(rangeRequest("HEAD", "/large.bin", "bytes=10-19"));
            RawHttpConnection.Response partHead = connection.readHead();
            assertEquals(206, partHead.status());
            assertEquals("bytes 10-19/" + LARGE.length, partHead.header("content-range"));
            assertEquals("10", partHead.header("content-length"));
            // Had HEAD sent a body, this would read its bytes instead of the next response.
            assertStillServes(connection, "after HEAD");
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

    /** The connection still answers a request, so whatever came before kept it open and in step. */
    private static void assertStillServes(RawHttpConnection connection, String after) throws IOException {
        connection.send("GET /small.html HTTP/1.1\r\nHost: x\r\n\r\n");
        RawHttpConnection.Response response = connection.read();
        assertArrayEquals(SMALL, response.body(), after);
        assertEquals("bytes", response.header("accept-ranges"), after);
    }

    private static String rangeRequest(String method, String path, String range) {
        return method + " " + path + " HTTP/1.1\r\nHost: x\r\nRange: " + range + "\r\n\r\n";
    }

    /** Asserts a 206 of bytes {@code first} to {@code last} of LARGE, as the headers say and as sent. */
    private static void assertPartOfLarge(RawHttpConnection.Response response, int first, int last) {
        assertEquals(206, response.status());
        assertEquals("bytes " + first + "-" + last + "/" + LARGE.length, response.header("content-range"));
        assertEquals(String.valueOf(last - first + 1), response.header("content-length"));
        assertArrayEquals(Arrays.copyOfRange(LARGE, first, last + 1), response.body());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void servesASingleByteRangeAsAPart(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send(rangeRequest("GET", "/large.bin", "bytes=0-99"));
            assertPartOfLarge(connection.read(), 0, 99);
            connection.send(rangeRequest("GET", "/large.bin", "bytes=100-"));
            assertPartOfLarge(connection.read(), 100, LARGE.length - 1);
            connection.send(rangeRequest("GET", "/large.bin", "bytes=-50"));
            assertPartOfLarge(connection.read(), LARGE.length - 50, LARGE.length - 1);
            // A last byte beyond the end is the end; a suffix longer than the file is all of it.
            connection.send(rangeRequest("GET", "/large.bin", "bytes=1048570-99999999"));
            assertPartOfLarge(connection.read(), 1048570, LARGE.length - 1);
            connection.send(rangeRequest("GET", "/large.bin", "BYTES=-99999999"));
            assertPartOfLarge(connection.read(), 0, LARGE.length - 1);
            // Pipelined parts, each its own region of the same file, in order.
            connection.send(rangeRequest("GET", "/large.bin", "bytes=5-9") + rangeRequest("GET", "/large.bin", "bytes=1000-1999"));
            assertPartOfLarge(connection.read(), 5, 9);
            assertPartOfLarge(connection.read(), 1000, 1999);

            assertStillServes(connection, "after a 206");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void refusesARangeBeyondTheEndWith416(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (String range : new String[] {"bytes=" + LARGE.length + "-", "bytes=2000000-2000010", "bytes=-0"}) {
                connection.send(rangeRequest("GET", "/large.bin", range));
                RawHttpConnection.Response response = connection.read();
                assertEquals(416, response.status(), range);
                assertEquals("bytes */" + LARGE.length, response.header("content-range"), range);
            }
            connection.send(rangeRequest("GET", "/empty.txt", "bytes=0-"));
            assertEquals("bytes */0", connection.read().header("content-range"), "nothing of an empty file");
            assertStillServes(connection, "after a 416");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ignoresSeveralOrMalformedRanges(Transport transport) throws Exception {
        String[] ignored = {"bytes=0-1,5-6", "bytes=5-2", "bytes=abc", "bytes=1-x", "bytes=-", "bytes 0-5", "items=0-5",
                "bytes=99999999999999999999-"};
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (String range : ignored) {
                connection.send(rangeRequest("GET", "/small.html", range));
                RawHttpConnection.Response response = connection.read();
                assertEquals(200, response.status(), range);
                assertNull(response.header("content-range"), range);
                assertEquals("bytes", response.header("accept-ranges"), range);
                assertArrayEquals(SMALL, response.body(), range);
            }
            // If-Range would need a strong validator to honour: the whole file instead.
            connection.send("GET /small.html HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nIf-Range: "
                    + DATED_SECOND + "\r\n\r\n");
            assertArrayEquals(SMALL, connection.read().body(), "If-Range");
            // The suffix of an empty file is the empty file.
            connection.send(rangeRequest("GET", "/empty.txt", "bytes=-5"));
            RawHttpConnection.Response empty = connection.read();
            assertEquals(200, empty.status());
            assertEquals(0, empty.body().length);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersNotModifiedWhenTheFileIsUnchangedSince(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET /dated.txt HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Response first = connection.read();
            assertEquals(DATED_SECOND, first.header("last-modified"), "the modification time, to the second");
            assertEquals("dated", first.bodyText());

            // The same second, though the file's time is 0.75 s past it, and any later one: 304.
            for (String since : new String[] {DATED_SECOND, "Wed, 01 Jan 2020 12:00:01 GMT", "Sun, 06 Nov 2044 08:49:37 GMT"}) {
                connection.send("GET /dated.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + since + "\r\n\r\n");
                RawHttpConnection.Response notModified = connection.read();
                assertEquals(304, notModified.status(), since);
                assertEquals(DATED_SECOND, notModified.header("last-modified"), since);
            }
            connection.send("HEAD /dated.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: " + DATED_SECOND + "\r\n\r\n");
            assertEquals(304, connection.readHead().status(), "HEAD");
            // A 304 takes precedence over a range: the client's copy is current.
            connection.send("GET /dated.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nIf-Modified-Since: "
                    + DATED_SECOND + "\r\n\r\n");
            assertEquals(304, connection.read().status(), "with Range");

            // A second earlier, a date that is not one, or If-None-Match beside it: the file.
            String[] stale = {
                    "If-Modified-Since: Wed, 01 Jan 2020 11:59:59 GMT",
                    "If-Modified-Since: yesterday",
                    "If-Modified-Since: " + DATED_SECOND + "\r\nIf-None-Match: \"x\"",
            };
            for (String condition : stale) {
                connection.send("GET /dated.txt HTTP/1.1\r\nHost: x\r\n" + condition + "\r\n\r\n");
                RawHttpConnection.Response response = connection.read();
                assertEquals(200, response.status(), condition);
                assertEquals("dated", response.bodyText(), condition);
            }
            assertStillServes(connection, "after a 304");
        }
    }
}
