package dev.iocp.integrations;

import dev.iocp.channel.IocpEventLoopGroup;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC-java over grpc-netty on transport-iocp: the server and the channel are given iocp event
 * loop groups and channel types through the builders, as grpc-netty documents for a custom
 * transport. The server runs its handlers on the event loops ({@code directExecutor()}), so every
 * handler here is non-blocking.
 */
class GrpcOverIocpTest {
    private static final int LARGE = 8 << 20;
    private static final int MAX_MESSAGE = 16 << 20;
    /** The client's HTTP/2 flow-control window: how far the server may send ahead of it. */
    private static final int CLIENT_WINDOW = 1 << 20;

    private final EventLoopGroup boss = new IocpEventLoopGroup(1);
    private final EventLoopGroup workers = new IocpEventLoopGroup(2);
    private final EventLoopGroup clientLoops = new IocpEventLoopGroup(1);
    private Server server;
    private ManagedChannel channel;

    private final AtomicBoolean echoRanOnServerLoop = new AtomicBoolean();
    private final CountDownLatch hangArrived = new CountDownLatch(1);
    private final CountDownLatch hangCancelled = new CountDownLatch(1);
    private final Producer producer = new Producer();

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(IocpServerSocketChannel.class)
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE)
                .addService(service())
                .build()
                .start();
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", server.getPort()))
                .eventLoopGroup(clientLoops)
                .channelType(IocpSocketChannel.class)
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE)
                .flowControlWindow(CLIENT_WINDOW)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            channel.shutdownNow();
            assertTrue(channel.awaitTermination(10, TimeUnit.SECONDS), "the channel terminated");
            server.shutdown();
            assertTrue(server.awaitTermination(10, TimeUnit.SECONDS), "the server terminated");
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
            for (EventLoopGroup group : List.of(clientLoops, workers, boss)) {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
        }
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(BytesService.NAME)
                .addMethod(BytesService.ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    echoRanOnServerLoop.set(TransportInUse.onLoopOf(workers));
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(BytesService.HANG, ServerCalls.asyncUnaryCall((request, response) -> {
                    ((ServerCallStreamObserver<byte[]>) response).setOnCancelHandler(hangCancelled::countDown);
                    hangArrived.countDown();
                }))
                .addMethod(BytesService.COUNT, ServerCalls.asyncServerStreamingCall(GrpcOverIocpTest::count))
                .addMethod(BytesService.PRODUCE, ServerCalls.asyncBidiStreamingCall(producer::start))
                .build();
    }

    private byte[] echo(byte[] request) {
        return ClientCalls.blockingUnaryCall(channel, BytesService.ECHO, CallOptions.DEFAULT, request);
    }

    @Test
    void unary() {
        byte[] request = BytesService.numbered(7, 100);
        assertArrayEquals(request, echo(request));
        assertTrue(echoRanOnServerLoop.get(), "the call was handled on a loop of the server's iocp worker group");
        assertTransportsCarriedTheCalls();
    }

    @Test
    void largeMessage() {
        byte[] request = new byte[LARGE];
        new Random(10).nextBytes(request);
        byte[] response = echo(request);
        assertEquals(LARGE, response.length);
        assertTrue(Arrays.equals(request, response), "8 MiB came back as sent");
        assertTransportsCarriedTheCalls();
    }

    /** The server sends 10,000 messages, only while its stream is ready (as gRPC asks of it). */
    private static void count(byte[] request, StreamObserver<byte[]> response) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
        int total = ByteBuffer.wrap(request).getInt();
        int[] next = {0};
        out.setOnReadyHandler(() -> {
            while (out.isReady() && next[0] < total) {
                out.onNext(BytesService.numbered(next[0]++, 256));
            }
            if (next[0] == total) {
                next[0]++;
                out.onCompleted();
            }
        });
    }

    @Test
    void serverStreaming() {
        int total = 10_000;
        Iterator<byte[]> messages = ClientCalls.blockingServerStreamingCall(channel, BytesService.COUNT,
                CallOptions.DEFAULT, ByteBuffer.allocate(4).putInt(total).array());
        int received = 0;
        while (messages.hasNext()) {
            assertArrayEquals(BytesService.numbered(received, 256), messages.next(), "message " + received);
            received++;
        }
        assertEquals(total, received);
        assertTransportsCarriedTheCalls();
    }

    /**
     * The server streams as long as its stream is ready; the client takes the messages 32 at a
     * time and acknowledges each batch on its own stream. Before the client asks for anything the
     * server gets half its window out and is then held back (isReady false), the client having
     * been handed nothing; and all along the server never gets further ahead of the client than
     * flow control allows: the client's window, the batch it asked for, and gRPC's 32 KiB ready
     * threshold. A server that ignored isReady would be 2048 messages ahead at once.
     */
    @Test
    void bidiStreamingWithFlowControl() throws Exception {
        int batch = 32;
        Consumer consumer = new Consumer(batch);
        StreamObserver<byte[]> acks = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(BytesService.PRODUCE, CallOptions.DEFAULT), consumer);
        consumer.acks = acks;

        assertTrue(producer.heldBack.await(20, TimeUnit.SECONDS), "the server was held back with half its window out");
        assertEquals(0, consumer.received.get(), "the client was handed nothing it had not asked for");
        int sentBeforeAnyRequest = producer.sentWhenHeldBack;

        consumer.requests.request(batch);
        consumer.done.get(30, TimeUnit.SECONDS);

        System.out.printf("gRPC flow control on %s: before the client asked for anything the server was held back "
                + "with %d of %d messages out; it was held back %d times in all and ran at most %d messages ahead "
                + "of the client%n",
                TransportInUse.expectedBackend(), sentBeforeAnyRequest, Producer.TOTAL, producer.stalls.get(),
                producer.maxAhead);
        assertEquals(Producer.TOTAL, consumer.received.get(), "every message arrived, in order");
        assertEquals(Producer.TOTAL / batch, producer.acks.get(), "the server received every acknowledgement");
        assertTrue(producer.stalls.get() > 1, "the server was held back more than once: " + producer.stalls.get());
        // In messages: the window, the batch asked for but not yet taken, what the ready threshold
        // lets the server queue (under 32 KiB, plus the message that crosses it), and some slack.
        int allowedAhead = CLIENT_WINDOW / Producer.SIZE + batch + 3 + 4;
        assertTrue(producer.maxAhead < allowedAhead, "flow control lets the server run fewer than " + allowedAhead
                + " messages ahead of what the client has taken; it ran " + producer.maxAhead + " ahead");
        assertTransportsCarriedTheCalls();
    }

    /** The server side of {@link BytesService#PRODUCE}; everything runs on the call's event loop. */
    private final class Producer {
        static final int TOTAL = 2048;
        static final int SIZE = 16 * 1024;

        /** Half the client's window, in messages. */
        static final int HALF_WINDOW = CLIENT_WINDOW / SIZE / 2;

        /** Counted down when the server is not ready with at least half the window sent. */
        final CountDownLatch heldBack = new CountDownLatch(1);
        final AtomicInteger stalls = new AtomicInteger();
        final AtomicInteger acks = new AtomicInteger();
        /** How many the client has taken, counted by the client. */
        final AtomicInteger taken = new AtomicInteger();
        volatile int sentWhenHeldBack;
        volatile int maxAhead;

        StreamObserver<byte[]> start(StreamObserver<byte[]> response) {
            ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
            int[] sent = {0};
            boolean[] clientDone = {false};
            Runnable finishIfDone = () -> {
                if (sent[0] == TOTAL && clientDone[0]) {
                    sent[0]++;
                    out.onCompleted();
                }
            };
            out.setOnReadyHandler(() -> {
                while (out.isReady() && sent[0] < TOTAL) {
                    out.onNext(BytesService.numbered(sent[0]++, SIZE));
                    maxAhead = Math.max(maxAhead, sent[0] - taken.get());
                }
                if (sent[0] < TOTAL) {
                    stalls.incrementAndGet();
                    if (sent[0] >= HALF_WINDOW && heldBack.getCount() > 0) {
                        sentWhenHeldBack = sent[0];
                        heldBack.countDown();
                    }
                }
                finishIfDone.run();
            });
            return new StreamObserver<>() {
                @Override
                public void onNext(byte[] ack) {
                    if (BytesService.numberOf(ack) == acks.get() + 1) {
                        acks.incrementAndGet();
                    }
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    clientDone[0] = true;
                    finishIfDone.run();
                }
            };
        }
    }

    /** The client side of {@link BytesService#PRODUCE}: asks for {@code batch} messages at a time. */
    private final class Consumer implements ClientResponseObserver<byte[], byte[]> {
        final int batch;
        final AtomicInteger received = new AtomicInteger();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile ClientCallStreamObserver<byte[]> requests;
        volatile StreamObserver<byte[]> acks;

        Consumer(int batch) {
            this.batch = batch;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
            requestStream.disableAutoRequestWithInitial(0);
            requests = requestStream;
        }

        @Override
        public void onNext(byte[] message) {
            int number = received.get();
            if (!Arrays.equals(BytesService.numbered(number, Producer.SIZE), message)) {
                done.completeExceptionally(new AssertionError("message " + number + " arrived out of order or damaged"));
                return;
            }
            producer.taken.set(received.incrementAndGet());
            if (received.get() % batch == 0) {
                acks.onNext(BytesService.numbered(received.get() / batch, 4));
                if (received.get() == Producer.TOTAL) {
                    acks.onCompleted();
                } else {
                    requests.request(batch);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }

    /**
     * A server method that never answers: the client's deadline ends the call with
     * DEADLINE_EXCEEDED, the server learns that the call was cancelled, and the connection goes on.
     */
    @Test
    void deadlineExceeded() throws Exception {
        echo(BytesService.numbered(1, 8)); // the connection is up, so the deadline is spent on the call only
        Future<byte[]> call = ClientCalls.futureUnaryCall(channel.newCall(BytesService.HANG,
                CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.SECONDS)), new byte[4]);
        assertTrue(hangArrived.await(10, TimeUnit.SECONDS), "the call reached the server");
        ExecutionException failure = assertThrows(ExecutionException.class, () -> call.get(20, TimeUnit.SECONDS));
        StatusRuntimeException status = assertInstanceOf(StatusRuntimeException.class, failure.getCause());
        assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getStatus().getCode(), status.toString());
        assertTrue(hangCancelled.await(10, TimeUnit.SECONDS), "the server saw the call cancelled");
        assertArrayEquals(BytesService.numbered(2, 8), echo(BytesService.numbered(2, 8)), "the connection goes on");
        assertTransportsCarriedTheCalls();
    }

    private void assertTransportsCarriedTheCalls() {
        TransportInUse.assertCarriedTraffic("the server's accepting group", boss);
        TransportInUse.assertCarriedTraffic("the server's worker group", workers);
        TransportInUse.assertCarriedTraffic("the channel's group", clientLoops);
    }
}
