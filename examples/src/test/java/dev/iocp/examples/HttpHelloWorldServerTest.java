package dev.iocp.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpHelloWorldServer} on each transport, driven by the JDK's HTTP client and by raw
 * sockets.
 */
class HttpHelloWorldServerTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static RunningServer start(Transport transport) throws InterruptedException {
        Transports.assumeAvailable(transport);
        return HttpHelloWorldServer.start(transport, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A request with the JDK's client, which must be answered 200 Hello, World!. */
    static void assertServedByHttpClient(int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/any/path?x=1"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("Hello, World!", response.body());
            assertEquals("text/plain; charset=UTF-8", response.headers().firstValue("content-type").orElseThrow());
            assertEquals("13", response.headers().firstValue("content-length").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersHelloWorldWithHeaders(Transport transport) throws Exception {
        try (RunningServer server = start(transport)) {
            assertServedByHttpClient(server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void keepsTheConnectionAliveForSeveralRequests(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (int i = 0; i < 5; i++) {
                connection.send(GET);
                RawHttpConnection.Response response = connection.read();
                assertEquals(200, response.status());
                assertEquals("Hello, World!", response.bodyText());
                assertNull(response.header("connection"), "HTTP/1.1 keeps alive without saying so");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void keepsAnHttp10ConnectionAliveWhenAsked(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            for (int i = 0; i < 2; i++) {
                connection.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawHttpConnection.Response response = connection.read();
                assertEquals(200, response.status());
                assertEquals("keep-alive", response.header("connection"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void closesAfterAnsweringConnectionClose(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            RawHttpConnection.Response response = connection.read();
            assertEquals(200, response.status());
            assertEquals("Hello, World!", response.bodyText());
            assertEquals("close", response.header("connection"));
            assertTrue(connection.closedByServer(), "connection closed after the response");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersPipelinedRequestsInOrder(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            // Sent in one write; the last one asks to close, so the order is visible on the wire.
            connection.send(GET + GET + "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n" + GET
                    + "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            for (int i = 0; i < 2; i++) {
                assertEquals("Hello, World!", connection.read().bodyText());
            }
            RawHttpConnection.Response head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals("13", head.header("content-length"));
            assertEquals("Hello, World!", connection.read().bodyText()); // so HEAD sent no body
            RawHttpConnection.Response last = connection.read();
            assertEquals("close", last.header("connection"));
            assertTrue(connection.closedByServer());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersAMalformedRequestWith400AndClosesOnlyThatConnection(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection bystander = new RawHttpConnection(server.port());
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nBad Header Line\r\n\r\n");
            RawHttpConnection.Response response = connection.read();
            assertEquals(400, response.status());
            assertEquals("close", response.header("connection"));
            assertTrue(connection.closedByServer(), "connection closed after the 400");

            bystander.send(GET);
            assertEquals("Hello, World!", bystander.read().bodyText());
            assertServedByHttpClient(server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersGarbageWith400(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            connection.send("\u0001\u0002 not http at all\r\n\r\n");
            assertEquals(400, connection.read().status());
            assertTrue(connection.closedByServer());
            assertServedByHttpClient(server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersOverLongHeadersWith431(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            String big = "x".repeat(HttpServerSetup.MAX_HEADER_SIZE + 1024);
            connection.send("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big + "\r\n\r\n");
            RawHttpConnection.Response response = connection.read();
            assertEquals(431, response.status());
            assertTrue(connection.closedByServer(), "connection closed after the 431");
            assertServedByHttpClient(server.port());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersAnOverLongRequestLineWith414(Transport transport) throws Exception {
        try (RunningServer server = start(transport);
             RawHttpConnection connection = new RawHttpConnection(server.port())) {
            String path = "/" + "a".repeat(HttpServerSetup.MAX_INITIAL_LINE_LENGTH + 10);
            connection.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(414, connection.read().status());
            assertTrue(connection.closedByServer());
            assertServedByHttpClient(server.port());
        }
    }
}
