package dev.iocp.integrations;

import dev.iocp.channel.IocpEventLoopGroup;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactor Netty's HTTP server and client on transport-iocp, each through its own
 * {@link IocpLoopResources} ({@code runOn}). The connections each side made are recorded and
 * checked to be iocp channels on this run's backend.
 */
class ReactorNettyHttpTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MAX_CONNECTIONS = 16;

    private final IocpLoopResources serverLoops = new IocpLoopResources(2);
    private final IocpLoopResources clientLoops = new IocpLoopResources(1);
    private final ConnectionProvider pool = ConnectionProvider.builder("iocp-test")
            .maxConnections(MAX_CONNECTIONS)
            .pendingAcquireMaxCount(-1)
            .build();
    private final Set<Channel> serverConnections = ConcurrentHashMap.newKeySet();
    private final Set<Channel> clientConnections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger itemsServed = new AtomicInteger();
    private final AtomicLong echoed = new AtomicLong();
    private final MessageDigest echoedDigest = sha256();
    private DisposableServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(serverLoops)
                .doOnConnection(connection -> serverConnections.add(connection.channel()))
                .route(routes -> routes
                        .get("/hello", (request, response) -> response.sendString(Mono.just("hello from iocp")))
                        .get("/item/{id}", (request, response) -> {
                            itemsServed.incrementAndGet();
                            return response.sendString(Mono.just("item-" + request.param("id")));
                        })
                        .post("/echo", (request, response) -> response.send(request.receive().retain()
                                .doOnNext(chunk -> {
                                    echoed.addAndGet(chunk.readableBytes());
                                    synchronized (echoedDigest) { // read by the test's thread
                                        echoedDigest.update(chunk.nioBuffer());
                                    }
                                }))))
                .bindNow(WAIT);
        client = HttpClient.create(pool)
                .runOn(clientLoops)
                .remoteAddress(server::address)
                .doOnConnected(connection -> clientConnections.add(connection.channel()));
    }

    @AfterEach
    void stop() {
        try {
            pool.disposeLater().block(WAIT);
            server.disposeNow(WAIT);
        } finally {
            clientLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(WAIT);
            serverLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(WAIT);
        }
    }

    @Test
    void get() {
        String answer = client.get().uri("/hello")
                .responseSingle((response, body) -> body.asString()
                        .map(text -> response.status().code() + " " + text))
                .block(WAIT);
        assertEquals("200 hello from iocp", answer);
        assertTransportsInUse(1);
    }

    /** 16 MiB streamed up in 64 KiB chunks, echoed back as it arrives; both sides digest it. */
    @Test
    void largePostBody() {
        int chunks = 256;
        int chunkSize = 64 * 1024;
        MessageDigest sent = sha256();
        Flux<byte[]> body = Flux.range(0, chunks).map(i -> {
            byte[] chunk = new byte[chunkSize];
            new Random(i).nextBytes(chunk);
            sent.update(chunk);
            return chunk;
        });
        MessageDigest received = sha256();
        AtomicLong receivedBytes = new AtomicLong();
        Integer status = client.post().uri("/echo")
                .send((request, outbound) -> outbound.sendByteArray(body))
                .response((response, content) -> content
                        .doOnNext(chunk -> {
                            receivedBytes.addAndGet(chunk.readableBytes());
                            received.update(chunk.nioBuffer());
                        })
                        .then(Mono.just(response.status().code())))
                .single()
                .block(WAIT);
        assertEquals(HttpResponseStatus.OK.code(), status);
        long total = (long) chunks * chunkSize;
        assertEquals(total, echoed.get(), "the server received the whole body");
        assertEquals(total, receivedBytes.get(), "the client received the whole echo");
        String digest = HexFormat.of().formatHex(sent.digest());
        synchronized (echoedDigest) {
            assertEquals(digest, HexFormat.of().formatHex(echoedDigest.digest()), "the server received the body as sent");
        }
        assertEquals(digest, HexFormat.of().formatHex(received.digest()), "the echo came back as sent");
        assertTransportsInUse(1);
    }

    /** 500 requests, up to 100 at a time, over a pool of at most 16 connections. */
    @Test
    void manyConcurrentRequests() {
        int requests = 500;
        List<String> answers = Flux.range(0, requests)
                .flatMap(i -> client.get().uri("/item/" + i)
                        .responseSingle((response, body) -> body.asString()
                                .map(text -> i + ":" + response.status().code() + ":" + text)), 100)
                .collectList()
                .block(WAIT);
        assertEquals(IntStream.range(0, requests).mapToObj(i -> i + ":200:item-" + i).collect(Collectors.toSet()),
                Set.copyOf(answers));
        assertEquals(requests, answers.size());
        assertEquals(requests, itemsServed.get());
        assertTrue(clientConnections.size() > 1 && clientConnections.size() <= MAX_CONNECTIONS,
                "the pool spread the requests over " + clientConnections.size() + " connections");
        assertTransportsInUse(clientConnections.size());
    }

    /**
     * Why {@link IocpLoopResources} exists: given only an event loop group, Reactor Netty picks the
     * channel by the group's kind itself, knows NIO, epoll, io_uring and kqueue, and refuses the rest.
     */
    @Test
    void runOnAGroupAloneIsNotEnough() throws Exception {
        EventLoopGroup group = new IocpEventLoopGroup(1);
        try {
            Throwable failure = assertThrows(Throwable.class,
                    () -> HttpServer.create().host("127.0.0.1").port(0).runOn(group).bindNow(WAIT).disposeNow(WAIT));
            String messages = Stream.iterate(failure, Objects::nonNull, Throwable::getCause)
                    .map(String::valueOf).collect(Collectors.joining(" <- "));
            assertTrue(messages.contains("Unsupported event loop group"), messages);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        // The server of this test, on IocpLoopResources, serves.
        assertEquals("hello from iocp", client.get().uri("/hello").responseContent().aggregate().asString().block(WAIT));
    }

    private void assertTransportsInUse(int connections) {
        TransportInUse.assertIocp(server.channel(), IocpServerSocketChannel.class);
        assertEquals(connections, clientConnections.size(), "connections the client made");
        assertEquals(connections, serverConnections.size(), "connections the server accepted");
        for (Channel channel : serverConnections) {
            TransportInUse.assertIocp(channel, IocpSocketChannel.class);
            assertTrue(channel.parent() instanceof IocpServerSocketChannel, () -> channel + "'s parent");
        }
        for (Channel channel : clientConnections) {
            TransportInUse.assertIocp(channel, IocpSocketChannel.class);
        }
        assertFalse(serverConnections.isEmpty());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
