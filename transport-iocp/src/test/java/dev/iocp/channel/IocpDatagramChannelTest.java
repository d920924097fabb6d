package dev.iocp.channel;

import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.port.Errno;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link IocpDatagramChannel} beyond what Netty's datagram suites check: read batches, many
 * datagrams per flush, truncation, auto-read off, ICMP errors, refusals, options and close.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpDatagramChannelTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Records what reaches the end of the pipeline, as text, and releases it. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<DatagramPacket> packets = new LinkedBlockingQueue<>();
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            texts.add(packet.content().toString(CharsetUtil.US_ASCII));
            packets.add(packet.replace(Unpooled.EMPTY_BUFFER)); // sender and recipient, no buffer kept
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }

        String nextText() throws InterruptedException {
            String text = texts.poll(10, TimeUnit.SECONDS);
            assertNotNull(text, "a datagram within 10 s");
            return text;
        }
    }

    /** A bootstrap of datagram channels on the shared group, with {@code handler}. */
    private static Bootstrap bootstrap(ChannelHandler handler) {
        return new Bootstrap().group(group).channel(IocpDatagramChannel.class).handler(handler);
    }

    private static void closeAll(Channel... channels) throws InterruptedException {
        for (Channel channel : channels) {
            channel.close().sync();
        }
    }

    private static DatagramChannel bound(ChannelHandler handler) throws InterruptedException {
        return (DatagramChannel) bootstrap(handler).bind(LOOPBACK).sync().channel();
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, CharsetUtil.US_ASCII);
    }

    @Test
    void aPacketArrivesWithItsSenderAndTheReceiverAsRecipient() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        DatagramChannel client = bound(new Recorder());
        try {
            client.writeAndFlush(new DatagramPacket(text("ping"), server.localAddress())).sync();
            assertEquals("ping", received.nextText());
            DatagramPacket packet = received.packets.take();
            assertEquals(client.localAddress(), packet.sender());
            assertEquals(server.localAddress(), packet.recipient());
            assertTrue(server.isActive());
            assertFalse(server.isConnected());
        } finally {
            closeAll(client, server);
        }
    }

    /**
     * A broadcast without SO_BROADCAST: sendmsg(2) answers EACCES, which NIO reports as a
     * BindException (sun.nio.ch.Net's handleSocketError), and so does the channel, which stays open.
     */
    @Test
    void aBroadcastWithoutSoBroadcastFailsWithTheBindExceptionNioGives() throws Exception {
        InetSocketAddress broadcast = new InetSocketAddress(InetAddress.getByName("127.255.255.255"), 9);
        Throwable nio;
        try (java.nio.channels.DatagramChannel jdk = java.nio.channels.DatagramChannel.open()) {
            nio = assertThrows(java.io.IOException.class, () -> jdk.send(java.nio.ByteBuffer.allocate(1), broadcast));
        }
        assertInstanceOf(BindException.class, nio, "NIO's failure here: " + nio);
        DatagramChannel client = bound(new Recorder());
        try {
            Throwable cause = client.writeAndFlush(new DatagramPacket(text("all"), broadcast)).await().cause();
            assertInstanceOf(BindException.class, cause, "as NIO's: " + cause);
            assertTrue(cause.getMessage().contains("EACCES"), cause.getMessage());
            assertTrue(client.isOpen());
        } finally {
            client.close().sync();
        }
    }

    @Test
    void anAddressedEnvelopeAndAHeapBufferAreSentAsDatagramPackets() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        DatagramChannel client = bound(new Recorder());
        try {
            client.writeAndFlush(new DefaultAddressedEnvelope<>(Unpooled.wrappedBuffer("heap".getBytes(CharsetUtil.US_ASCII)),
                    server.localAddress())).sync();
            assertEquals("heap", received.nextText());
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void manyDatagramsOfOneFlushAllArriveAndEachPromiseSucceeds() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        DatagramChannel client = bound(new Recorder());
        try {
            int count = 3 * DatagramSends.MAX_IN_FLIGHT; // more than one submission's worth
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                writes.add(client.write(new DatagramPacket(text("m" + i), server.localAddress())));
            }
            client.flush();
            for (ChannelFuture write : writes) {
                assertTrue(write.await(10, TimeUnit.SECONDS) && write.isSuccess(), () -> String.valueOf(write.cause()));
            }
            List<String> got = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                got.add(received.nextText());
                sent.add("m" + i);
            }
            assertEquals(sent, got, "every datagram once, in write order (loopback drops none at this rate)");
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void aBurstIntoASmallSendBufferLeavesInWriteOrder() throws Exception {
        // With a send buffer of a few datagrams, sends in flight together wait for room, and
        // io_uring wakes them newest first. On loopback the buffer empties as fast as it fills
        // (the receiver takes each datagram's memory over), so this reproduces the disorder only
        // where something holds the datagrams (a qdisc); it checks the order all the same.
        try (java.nio.channels.DatagramChannel peer = java.nio.channels.DatagramChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            peer.bind(LOOPBACK);
            peer.socket().setSoTimeout(10_000);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            DatagramChannel client = (DatagramChannel) bootstrap(new Recorder()).option(ChannelOption.SO_SNDBUF, 4096)
                    .bind(LOOPBACK).sync().channel();
            try {
                int rounds = 5;
                int perFlush = 200;
                for (int round = 0; round < rounds; round++) {
                    int base = round * perFlush;
                    client.eventLoop().submit(() -> {
                        for (int i = 0; i < perFlush; i++) {
                            client.write(new DatagramPacket(Unpooled.directBuffer(1000).writeInt(base + i).writeZero(996), to));
                        }
                        client.flush();
                    }).sync();
                }
                byte[] bytes = new byte[2000];
                int next = 0;
                try {
                    while (next < rounds * perFlush) {
                        java.net.DatagramPacket datagram = new java.net.DatagramPacket(bytes, bytes.length);
                        peer.socket().receive(datagram);
                        int number = java.nio.ByteBuffer.wrap(bytes).getInt();
                        assertTrue(number >= next, "datagram " + number + " after " + (next - 1));
                        next = number + 1;
                    }
                } catch (java.net.SocketTimeoutException end) {
                    // Some lost to a full buffer: the order of those that came is what counts.
                }
                assertTrue(next > 0, "datagrams arrived");
            } finally {
                client.close().sync();
            }
        }
    }

    @Test
    void aCancelledWriteIsPassedOverAndTheOthersGoOnceEachInOrder() throws Exception {
        try (java.net.DatagramSocket peer = new java.net.DatagramSocket(LOOPBACK)) {
            peer.setSoTimeout(1000);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
            DatagramChannel client = bound(new Recorder());
            try {
                List<ChannelPromise> promises = new ArrayList<>();
                client.eventLoop().submit(() -> {
                    for (String text : List.of("A", "B", "C", "D", "E")) {
                        ChannelPromise promise = client.newPromise();
                        promises.add(promise);
                        client.write(new DatagramPacket(text(text), to), promise);
                        if (text.equals("A") || text.equals("D")) {
                            promise.cancel(false);
                        }
                    }
                    client.flush();
                }).sync();
                List<String> got = new ArrayList<>();
                byte[] bytes = new byte[100];
                try {
                    for (;;) {
                        java.net.DatagramPacket datagram = new java.net.DatagramPacket(bytes, bytes.length);
                        peer.receive(datagram);
                        got.add(new String(bytes, 0, datagram.getLength(), CharsetUtil.US_ASCII));
                    }
                } catch (java.net.SocketTimeoutException end) {
                    // all there is
                }
                assertEquals(List.of("B", "C", "E"), got);
                assertTrue(promises.get(0).isCancelled());
                assertTrue(promises.get(3).isCancelled());
                for (int i : new int[] {1, 2, 4}) {
                    assertTrue(promises.get(i).isSuccess(), "promise " + i);
                }
                // The channel writes on: a later flush is not taken for one in flight.
                client.writeAndFlush(new DatagramPacket(text("F"), to)).sync();
                java.net.DatagramPacket datagram = new java.net.DatagramPacket(bytes, bytes.length);
                peer.receive(datagram);
                assertEquals("F", new String(bytes, 0, datagram.getLength(), CharsetUtil.US_ASCII));
            } finally {
                client.close().sync();
            }
        }
    }

    @Test
    void aLongExchangeOfSingleDatagramsLosesNoneAndRaisesNothing() throws Exception {
        // Hundreds of round trips: receives that find nothing (woken beside another) never surface.
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        Recorder replies = new Recorder();
        DatagramChannel client = bound(replies);
        try {
            for (int i = 0; i < 300; i++) {
                client.writeAndFlush(new DatagramPacket(text("q" + i), server.localAddress())).sync();
                assertEquals("q" + i, received.nextText());
                server.writeAndFlush(new DatagramPacket(text("a" + i), client.localAddress())).sync();
                assertEquals("a" + i, replies.nextText());
            }
            assertTrue(received.errors.isEmpty() && replies.errors.isEmpty(), () -> received.errors + " " + replies.errors);
            assertTrue(server.isOpen() && client.isOpen());
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void aDatagramLargerThanTheReceiveBufferIsCutToIt() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = (DatagramChannel) bootstrap(received)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(8)).bind(LOOPBACK).sync().channel();
        DatagramChannel client = bound(new Recorder());
        try {
            client.writeAndFlush(new DatagramPacket(text("0123456789abcdef"), server.localAddress())).sync();
            assertEquals("01234567", received.nextText(), "as NIO delivers it: the rest is dropped");
            client.writeAndFlush(new DatagramPacket(text("next"), server.localAddress())).sync();
            assertEquals("next", received.nextText());
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void withAutoReadOffEachReadTakesOneDatagram() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = (DatagramChannel) bootstrap(received).option(ChannelOption.AUTO_READ, false)
                .bind(LOOPBACK).sync().channel();
        DatagramChannel client = bound(new Recorder());
        try {
            for (String text : List.of("one", "two", "three")) {
                client.writeAndFlush(new DatagramPacket(text(text), server.localAddress())).sync();
            }
            assertNull(received.texts.poll(200, TimeUnit.MILLISECONDS), "nothing read before read()");
            server.read();
            assertEquals("one", received.nextText());
            assertNull(received.texts.poll(200, TimeUnit.MILLISECONDS), "one read(), one datagram");
            server.read();
            assertEquals("two", received.nextText());
            server.config().setAutoRead(true);
            assertEquals("three", received.nextText());
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void switchingAutoReadOffCancelsTheReceivesInFlight() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        DatagramChannel client = bound(new Recorder());
        try {
            server.config().setAutoRead(false);
            server.eventLoop().submit(() -> { }).sync(); // the cancellations are submitted
            client.writeAndFlush(new DatagramPacket(text("held"), server.localAddress())).sync();
            assertNull(received.texts.poll(300, TimeUnit.MILLISECONDS), "no receive was left armed");
            server.read();
            assertEquals("held", received.nextText(), "the datagram waited in the socket");
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void aConnectedChannelReadsAnIcmpPortUnreachableAndStaysOpen() throws Exception {
        // A port nobody listens on, from a socket that is closed when close() returns: a channel's
        // close future may complete before its descriptor is released (that goes with its loop's
        // next pass), and a knock reaching the still bound socket would bring no ICMP error.
        InetSocketAddress nobody;
        try (java.net.DatagramSocket gone = new java.net.DatagramSocket(LOOPBACK)) {
            nobody = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        Recorder events = new Recorder();
        DatagramChannel client = (DatagramChannel) bootstrap(events).connect(nobody).sync().channel();
        try {
            assertTrue(client.isConnected());
            assertEquals(nobody, client.remoteAddress());
            client.writeAndFlush(text("knock")).sync();
            Throwable error = events.errors.poll(10, TimeUnit.SECONDS);
            assertInstanceOf(PortUnreachableException.class, error);
            assertTrue(client.isOpen(), "NIO keeps a datagram channel open on PortUnreachableException");
            int port = client.localAddress().getPort();
            client.disconnect().sync();
            assertFalse(client.isConnected());
            assertTrue(client.isActive(), "still bound");
            reachesPort(port, events, "still bound to its port");
        } finally {
            client.close().sync();
        }
    }

    @Test
    void aReceiveErrorOtherThanPortUnreachableIsReportedAndReadingGoesOn() throws Exception {
        // As the kernel fails a connected socket's receive with EHOSTUNREACH after an ICMP host
        // unreachable or administratively prohibited: NIO and epoll keep the channel open.
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup faulty = FaultTestSupport.group(1, injector);
        try {
            injector.failReceiveFroms(Errno.EHOSTUNREACH, 1); // the first receive the channel arms
            Recorder received = new Recorder();
            DatagramChannel server = (DatagramChannel) new Bootstrap().group(faulty).channel(IocpDatagramChannel.class)
                    .handler(received).bind(LOOPBACK).sync().channel();
            DatagramChannel client = bound(new Recorder());
            try {
                client.writeAndFlush(new DatagramPacket(text("lost"), server.localAddress())).sync();
                Throwable error = received.errors.poll(10, TimeUnit.SECONDS);
                assertInstanceOf(NoRouteToHostException.class, error);
                assertTrue(error.getMessage().contains("EHOSTUNREACH"), error.getMessage());
                assertTrue(server.isOpen(), "NIO keeps a datagram channel open on a read's SocketException");
                client.writeAndFlush(new DatagramPacket(text("after"), server.localAddress())).sync();
                assertEquals("after", received.nextText());
                assertTrue(server.isOpen());
                assertNull(received.errors.poll());
            } finally {
                closeAll(client, server);
            }
        } finally {
            FaultTestSupport.shutdown(faulty);
        }
    }

    /** Auto-read off: reads once when active, then again from each channelReadComplete, and records the events. */
    private static final class ReadOnComplete extends ChannelInboundHandlerAdapter {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add("read " + ((DatagramPacket) msg).content().toString(CharsetUtil.US_ASCII));
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.add("readComplete");
            ctx.read();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add("exception " + cause.getClass().getSimpleName());
        }

        String next() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "an event within 10 s");
            return event;
        }
    }

    @Test
    void withAutoReadOffAReadFromChannelReadCompleteGoesOnAcrossAnIcmpError() throws Exception {
        InetSocketAddress nobody;
        try (java.net.DatagramSocket gone = new java.net.DatagramSocket(LOOPBACK)) {
            nobody = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        ReadOnComplete events = new ReadOnComplete();
        DatagramChannel client = (DatagramChannel) bootstrap(events).option(ChannelOption.AUTO_READ, false)
                .connect(nobody).sync().channel();
        try {
            client.writeAndFlush(text("knock")).sync();
            // As NIO: the read batch the error ends completes first, then the error.
            assertEquals("readComplete", events.next());
            assertEquals("exception PortUnreachableException", events.next());
            assertTrue(client.isOpen());
            // Someone now answers from that port: the channel still reads.
            try (java.net.DatagramSocket peer = new java.net.DatagramSocket(nobody)) {
                byte[] hello = "hello".getBytes(CharsetUtil.US_ASCII);
                peer.send(new java.net.DatagramPacket(hello, hello.length, client.localAddress()));
                assertEquals("read hello", events.next());
                assertEquals("readComplete", events.next());
            }
        } finally {
            client.close().sync();
        }
    }

    /** Sends {@code text} from a new socket to {@code port} on loopback, and expects {@code received} to read it. */
    private static void reachesPort(int port, Recorder received, String text) throws Exception {
        try (java.net.DatagramSocket sender = new java.net.DatagramSocket(LOOPBACK)) {
            byte[] bytes = text.getBytes(CharsetUtil.US_ASCII);
            sender.send(new java.net.DatagramPacket(bytes, bytes.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        }
        assertEquals(text, received.nextText());
    }

    @Test
    void aDisconnectedChannelKeepsThePortTheKernelChoseAndReceivesOnIt() throws Exception {
        // Linux unbinds a socket with a kernel-chosen port on disconnect (io_uring's socket is
        // bound again to it, as the JDK's is): a peer sending to the old port still reaches it.
        Recorder peerEvents = new Recorder();
        DatagramChannel peer = bound(peerEvents);
        for (boolean bindFirst : new boolean[] {false, true}) {
            Recorder received = new Recorder();
            Bootstrap connecting = bootstrap(received);
            DatagramChannel client = (DatagramChannel) (bindFirst
                    ? connecting.connect(peer.localAddress(), new InetSocketAddress(0)) // bind(port 0), then connect
                    : connecting.connect(peer.localAddress())).sync().channel(); // connect's own bind
            try {
                int port = client.localAddress().getPort();
                assertTrue(port != 0);
                client.disconnect().sync();
                assertFalse(client.isConnected());
                assertTrue(client.isActive(), "still bound");
                assertEquals(port, client.localAddress().getPort(), "the channel's local address is the socket's");
                reachesPort(port, received, "to the old port, bind first " + bindFirst);
                client.disconnect().sync(); // not connected: nothing changes
                reachesPort(port, received, "again");
            } finally {
                client.close().sync();
            }
        }
        peer.close().sync();
    }

    @Test
    void aSendThePortRefusesToSubmitFailsAloneAndTheOthersGo() throws Exception {
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup faulty = FaultTestSupport.group(1, injector);
        try (java.net.DatagramSocket peer = new java.net.DatagramSocket(LOOPBACK)) {
            peer.setSoTimeout(1000);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
            DatagramChannel client = (DatagramChannel) new Bootstrap().group(faulty).channel(IocpDatagramChannel.class)
                    .handler(new Recorder()).bind(LOOPBACK).sync().channel();
            try {
                List<ChannelFuture> writes = new ArrayList<>();
                client.eventLoop().submit(() -> {
                    injector.refuseSendToSubmission(2); // B's, while A's may be in flight
                    for (String text : List.of("A", "B", "C")) {
                        writes.add(client.write(new DatagramPacket(text(text), to)));
                    }
                    client.flush();
                }).sync();
                for (ChannelFuture write : writes) {
                    write.await(10, TimeUnit.SECONDS);
                }
                assertTrue(writes.get(0).isSuccess(), () -> String.valueOf(writes.get(0).cause()));
                assertInstanceOf(IllegalStateException.class, writes.get(1).cause());
                assertTrue(writes.get(2).isSuccess(), () -> String.valueOf(writes.get(2).cause()));
                List<String> got = new ArrayList<>();
                byte[] bytes = new byte[100];
                try {
                    for (;;) {
                        java.net.DatagramPacket datagram = new java.net.DatagramPacket(bytes, bytes.length);
                        peer.receive(datagram);
                        got.add(new String(bytes, 0, datagram.getLength(), CharsetUtil.US_ASCII));
                    }
                } catch (java.net.SocketTimeoutException end) {
                    // all there is
                }
                assertEquals(List.of("A", "C"), got);
                assertTrue(client.isOpen());
                client.writeAndFlush(new DatagramPacket(text("D"), to)).sync();
            } finally {
                client.close().sync();
            }
        } finally {
            FaultTestSupport.shutdown(faulty);
        }
    }

    @Test
    void messagesItCannotSendAreRefusedAndTheChannelGoesOn() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        DatagramChannel client = new IocpDatagramChannel(SocketProtocolFamily.INET); // Netty's family, as NIO takes it
        group.register(client).sync();
        client.bind(LOOPBACK).sync();
        try {
            assertInstanceOf(UnsupportedOperationException.class, client.writeAndFlush("a string").await().cause());
            assertInstanceOf(java.nio.channels.NotYetConnectedException.class,
                    client.writeAndFlush(text("no peer")).await().cause());
            assertInstanceOf(IllegalArgumentException.class, client.writeAndFlush(new DatagramPacket(text("v6"),
                    new InetSocketAddress(InetAddress.getByName("::1"), 9))).await().cause(), "IPv6 from an INET socket");
            assertInstanceOf(UnsupportedOperationException.class, client.block(InetAddress.getByName("239.1.2.3"),
                    InetAddress.getLoopbackAddress()).await().cause());
            client.writeAndFlush(new DatagramPacket(text("still"), server.localAddress())).sync();
            assertEquals("still", received.nextText());
        } finally {
            closeAll(client, server);
        }
    }

    @Test
    void datagramOptionsGoToTheSocket() throws Exception {
        DatagramChannel channel = bound(new Recorder());
        try {
            channel.config().setBroadcast(true);
            assertTrue(channel.config().isBroadcast());
            assertTrue(channel.config().getOption(ChannelOption.SO_BROADCAST));
            channel.config().setTimeToLive(5);
            assertEquals(5, channel.config().getTimeToLive());
            channel.config().setLoopbackModeDisabled(true);
            assertTrue(channel.config().isLoopbackModeDisabled());
            assertTrue(channel.config().setOption(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false));
            assertFalse(channel.config().isLoopbackModeDisabled());
            NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            channel.config().setNetworkInterface(lo);
            assertEquals(lo, channel.config().getNetworkInterface());
            assertEquals(lo, NetworkInterface.getByInetAddress(channel.config().getInterface()));
            assertFalse(channel.config().setOption(ChannelOption.TCP_NODELAY, true), "not a datagram option");
        } finally {
            channel.close().sync();
        }
    }

    @Test
    void aMulticastGroupJoinedOnLoopbackReceivesItsDatagrams() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        InetAddress group4 = InetAddress.getByName("239.255.20.21");
        Recorder received = new Recorder();
        DatagramChannel member = (DatagramChannel) new Bootstrap().group(group)
                .channelFactory(() -> new IocpDatagramChannel(StandardProtocolFamily.INET))
                .option(ChannelOption.IP_MULTICAST_IF, lo).handler(received)
                .bind(new InetSocketAddress(0)).sync().channel();
        DatagramChannel sender = (DatagramChannel) new Bootstrap().group(group)
                .channelFactory(() -> new IocpDatagramChannel(StandardProtocolFamily.INET))
                .option(ChannelOption.IP_MULTICAST_IF, lo).handler(new Recorder())
                .bind(LOOPBACK).sync().channel();
        try {
            member.joinGroup(group4).sync(); // on IP_MULTICAST_IF
            InetSocketAddress target = new InetSocketAddress(group4, member.localAddress().getPort());
            sender.writeAndFlush(new DatagramPacket(text("to all"), target)).sync();
            assertEquals("to all", received.nextText());
            member.leaveGroup(group4).sync();
            sender.writeAndFlush(new DatagramPacket(text("to none"), target)).sync();
            assertNull(received.texts.poll(300, TimeUnit.MILLISECONDS), "left the group");
        } finally {
            closeAll(sender, member);
        }
    }

    @Test
    void aLoopShuttingDownGracefullySendsWhatWasFlushedThenCloses() throws Exception {
        Recorder received = new Recorder();
        DatagramChannel server = bound(received);
        EventLoopGroup ownGroup = new IocpEventLoopGroup(1);
        try {
            DatagramChannel client = (DatagramChannel) new Bootstrap().group(ownGroup).channel(IocpDatagramChannel.class)
                    .handler(new Recorder()).bind(LOOPBACK).sync().channel();
            List<ChannelFuture> writes = new ArrayList<>();
            // Whether the loop was still in its quiet period when the channel closed: it closes
            // once its datagrams are sent, not when the loop ends (and closes what is left).
            BlockingQueue<Boolean> closedBeforeTheLoopEnded = new LinkedBlockingQueue<>();
            client.closeFuture().addListener(f -> closedBeforeTheLoopEnded.add(!ownGroup.isShutdown()));
            client.eventLoop().execute(() -> {
                for (int i = 0; i < 100; i++) {
                    writes.add(client.write(new DatagramPacket(text("g" + i), server.localAddress())));
                }
                client.flush();
                // While the sends are in flight. The loop runs on through the quiet period.
                ownGroup.shutdownGracefully(5, 60, TimeUnit.SECONDS);
            });
            assertTrue(client.closeFuture().await(60, TimeUnit.SECONDS), "closed");
            assertEquals(Boolean.TRUE, closedBeforeTheLoopEnded.poll(10, TimeUnit.SECONDS),
                    "closed once its datagrams were sent, before the loop's quiet period ran out");
            for (ChannelFuture write : writes) {
                assertTrue(write.isSuccess(), () -> String.valueOf(write.cause()));
            }
            List<String> got = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                got.add(received.nextText());
                sent.add("g" + i);
            }
            assertEquals(sent, got);
        } finally {
            ownGroup.shutdownGracefully(5, 10, TimeUnit.SECONDS); // ends after its quiet period; not waited for
            server.close().sync();
        }
    }

    @Test
    void closingWithReceivesAndSendsInFlightReleasesEverything() throws Exception {
        // PARANOID leak detection fails the run should a receive buffer or a queued datagram leak.
        for (int i = 0; i < 20; i++) {
            DatagramChannel channel = bound(new Recorder());
            InetSocketAddress target = channel.localAddress();
            for (int j = 0; j < 10; j++) {
                channel.write(new DatagramPacket(text("x" + j), target));
            }
            channel.flush();
            channel.close().sync();
            assertFalse(channel.isOpen());
        }
    }
}
