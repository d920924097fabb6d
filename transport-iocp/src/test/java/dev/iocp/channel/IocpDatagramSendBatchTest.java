package dev.iocp.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many datagrams per flush: they leave in write order also when they wait for room in the send
 * buffer (on io_uring, as ordered batches: {@link DatagramSendBatch}), a send that fails fails
 * alone while those after it go (on io_uring, sent again after the kernel cancelled them with
 * the failed one's chain), every promise completes in write order, and a close with sends in
 * flight completes them all and leaks nothing (the leak detector runs PARANOID).
 *
 * <p>On loopback a send never waits for room (the loopback device gives it back at once). Sends
 * to a multicast group through a real interface do, with a small send buffer: each datagram's
 * memory is held until the interface has sent it, and the copy looped back to a member on this
 * host shows the order they left in. Those tests skip themselves where no interface is up that
 * takes multicast.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpDatagramSendBatchTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int SIZE = 1000;
    private static EventLoopGroup group;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(1);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** The writes of one flush, and the order their promises completed in. */
    private record Flush(List<ChannelFuture> writes, List<Integer> completed) {
        /** Waits for every promise; checks they completed in write order. */
        Flush awaitInOrder() throws InterruptedException {
            for (ChannelFuture write : writes) {
                assertTrue(write.await(30, TimeUnit.SECONDS), "every promise completes");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (completed.size() < writes.size() && System.nanoTime() < deadline) {
                Thread.sleep(1); // a listener runs just after its future is done
            }
            synchronized (completed) {
                assertEquals(IntStream.range(0, writes.size()).boxed().toList(), completed, "in write order");
            }
            return this;
        }
    }

    /**
     * Writes {@code count} datagrams numbered from 0 to {@code to} in one flush, on the loop;
     * closes the channel when write {@code closeAt}'s promise completes, or right after the flush
     * for {@code count} (never for -1).
     */
    private static Flush flushNumbered(DatagramChannel channel, InetSocketAddress to, int count, int bigAt,
                                       int closeAt) throws InterruptedException {
        List<ChannelFuture> writes = new ArrayList<>();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        channel.eventLoop().submit(() -> {
            for (int i = 0; i < count; i++) {
                ByteBuf datagram = Unpooled.directBuffer(i == bigAt ? 70_000 : SIZE).writeInt(i);
                datagram.writeZero(datagram.capacity() - 4);
                ChannelFuture write = channel.write(new DatagramPacket(datagram, to));
                int index = i;
                write.addListener(f -> completed.add(index));
                if (i == closeAt) {
                    write.addListener(f -> channel.close());
                }
                writes.add(write);
            }
            channel.flush();
            if (closeAt == count) {
                channel.close();
            }
        }).sync();
        return new Flush(writes, completed);
    }

    /** The numbers of the datagrams {@code receiver} gets, until {@code expected} came or none for a while. */
    private static List<Integer> receiveNumbers(java.nio.channels.DatagramChannel receiver, int expected)
            throws IOException {
        receiver.socket().setSoTimeout(2000);
        List<Integer> numbers = new ArrayList<>();
        byte[] bytes = new byte[2 * SIZE];
        try {
            while (numbers.size() < expected) {
                java.net.DatagramPacket datagram = new java.net.DatagramPacket(bytes, bytes.length);
                receiver.socket().receive(datagram);
                numbers.add(ByteBuffer.wrap(bytes).getInt());
            }
        } catch (SocketTimeoutException end) {
            // all there is
        }
        return numbers;
    }

    private static void assertIncreasing(List<Integer> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            if (numbers.get(i) <= numbers.get(i - 1)) {
                fail("datagram " + numbers.get(i) + " arrived after " + numbers.get(i - 1));
            }
        }
    }

    /** An interface that is up, not loopback, takes multicast and has an IPv4 address; skips the test where none is. */
    private static NetworkInterface multicastInterface() throws IOException {
        for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (candidate.isUp() && !candidate.isLoopback() && candidate.supportsMulticast()
                    && candidate.inetAddresses().anyMatch(a -> a instanceof Inet4Address)) {
                return candidate;
            }
        }
        Assumptions.abort("no multicast-capable interface is up besides loopback: sends here never wait for room");
        return null;
    }

    /**
     * A member of a multicast group on a real interface, with a receive buffer large enough to
     * miss nothing, and a sender to it with the smallest send buffer: its sends wait for the
     * interface, and their copies looped back to the member show the order they left in.
     */
    private record GroupSend(java.nio.channels.DatagramChannel member, InetSocketAddress to, DatagramChannel sender)
            implements AutoCloseable {

        /** Skips the test where no interface takes multicast (see {@link #multicastInterface}). */
        static GroupSend open(String multicastGroup) throws Exception {
            NetworkInterface on = multicastInterface();
            InetAddress groupAddress = InetAddress.getByName(multicastGroup);
            java.nio.channels.DatagramChannel member = java.nio.channels.DatagramChannel.open(StandardProtocolFamily.INET);
            member.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            member.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            member.bind(new InetSocketAddress(0));
            member.join(groupAddress, on);
            InetSocketAddress to = new InetSocketAddress(groupAddress, ((InetSocketAddress) member.getLocalAddress()).getPort());
            DatagramChannel sender = (DatagramChannel) new Bootstrap().group(group)
                    .channelFactory(() -> new IocpDatagramChannel(StandardProtocolFamily.INET))
                    .option(ChannelOption.SO_SNDBUF, 1).option(ChannelOption.IP_MULTICAST_IF, on)
                    .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                    .handler(new ChannelInboundHandlerAdapter()).bind(new InetSocketAddress(0)).sync().channel();
            return new GroupSend(member, to, sender);
        }

        @Override
        public void close() throws Exception {
            try {
                sender.close().sync();
            } finally {
                member.close();
            }
        }
    }

    // ---- order --------------------------------------------------------------------------------

    @Test
    void aFlushOfDatagramsThatWaitForRoomInTheSendBufferLeavesInWriteOrder() throws Exception {
        try (GroupSend send = GroupSend.open("239.255.41.9")) {
            int count = 2000;
            Flush flush = flushNumbered(send.sender(), send.to(), count, -1, -1);
            List<Integer> received = receiveNumbers(send.member(), count);
            flush.awaitInOrder();
            for (ChannelFuture write : flush.writes()) {
                assertTrue(write.isSuccess(), () -> String.valueOf(write.cause()));
            }
            assertIncreasing(received);
            assertEquals(count, received.size(), "none lost: the member's buffer holds them all");
        }
    }

    // ---- failures -----------------------------------------------------------------------------

    /** The failure NIO's datagram channel gives a datagram too large to send. */
    private static Throwable nioTooLargeFailure(InetSocketAddress to) throws InterruptedException {
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            DatagramChannel channel = (DatagramChannel) new Bootstrap().group(nio).channel(NioDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind(LOOPBACK).sync().channel();
            Throwable cause = channel.writeAndFlush(new DatagramPacket(Unpooled.directBuffer(70_000).writeZero(70_000), to))
                    .await().cause();
            channel.close().sync();
            return cause;
        } finally {
            nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aDatagramTooLargeInAFlushFailsAloneAsOnNioAndTheOthersLeaveInOrder() throws Exception {
        try (java.nio.channels.DatagramChannel peer = java.nio.channels.DatagramChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            peer.bind(LOOPBACK);
            InetSocketAddress to = (InetSocketAddress) peer.getLocalAddress();
            DatagramChannel client = (DatagramChannel) new Bootstrap().group(group).channel(IocpDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).bind(LOOPBACK).sync().channel();
            try {
                int count = 150; // more than a batch: the large one is in the second
                int bigAt = 100;
                Flush flush = flushNumbered(client, to, count, bigAt, -1).awaitInOrder();
                Throwable nio = nioTooLargeFailure(to);
                for (int i = 0; i < count; i++) {
                    ChannelFuture write = flush.writes().get(i);
                    if (i == bigAt) {
                        assertEquals(nio.getClass(), write.cause().getClass(), "as NIO fails it: " + write.cause());
                        assertTrue(write.cause().getMessage().contains(nio.getMessage()), write.cause().getMessage());
                    } else {
                        assertTrue(write.isSuccess(), () -> String.valueOf(write.cause()));
                    }
                }
                List<Integer> expected = IntStream.range(0, count).filter(i -> i != bigAt).boxed().toList();
                assertEquals(expected, receiveNumbers(peer, count - 1), "the others, once each, in order");
                assertTrue(client.isOpen());
            } finally {
                client.close().sync();
            }
        }
    }

    @Test
    void aPeerThatIsGoneFailsSomeWritesWithItsIcmpErrorAndTheOthersAreSentNotCancelled() throws Exception {
        InetSocketAddress nobody;
        try (java.net.DatagramSocket gone = new java.net.DatagramSocket(LOOPBACK)) {
            nobody = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        // Each datagram that reaches the closed port brings an ICMP port unreachable back, which
        // fails the socket's next send (ECONNREFUSED); on io_uring that ends the batch, and the
        // kernel cancels the sends after it, which the channel then sends again.
        DatagramChannel client = (DatagramChannel) new Bootstrap().group(group).channel(IocpDatagramChannel.class)
                .option(ChannelOption.AUTO_READ, false).handler(new ChannelInboundHandlerAdapter())
                .connect(nobody).sync().channel();
        try {
            int count = 200;
            List<ChannelFuture> writes = new ArrayList<>();
            List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
            client.eventLoop().submit(() -> {
                for (int i = 0; i < count; i++) {
                    ChannelFuture write = client.write(Unpooled.directBuffer(8).writeInt(i));
                    int index = i;
                    write.addListener(f -> completed.add(index));
                    writes.add(write);
                }
                client.flush();
            }).sync();
            new Flush(writes, completed).awaitInOrder();
            int refused = 0;
            for (ChannelFuture write : writes) {
                if (!write.isSuccess()) {
                    assertInstanceOf(PortUnreachableException.class, write.cause(),
                            "failed by the ICMP error, not cancelled: " + write.cause());
                    refused++;
                }
            }
            assertTrue(refused > 0, "the port unreachable came back");
            assertTrue(refused < count, "the sends after a refused one went");
            assertTrue(client.isOpen());
        } finally {
            client.close().sync();
        }
    }

    // ---- close --------------------------------------------------------------------------------

    /**
     * Every promise of {@code flush} completed in write order: those sent first, then the ones the
     * close failed.
     *
     * @return how many were sent
     */
    private static int assertSentThenClosed(Flush flush) throws InterruptedException {
        flush.awaitInOrder();
        int sent = 0;
        for (ChannelFuture write : flush.writes()) {
            if (write.isSuccess()) {
                assertEquals(flush.writes().indexOf(write), sent, "nothing succeeds after a write the close failed");
                sent++;
            } else {
                assertInstanceOf(ClosedChannelException.class, write.cause());
            }
        }
        return sent;
    }

    private static boolean onIoUring() {
        return Iocp.backend().name().equals("io_uring");
    }

    @Test
    void closingRightAfterAFlushCompletesEveryPromiseAndLeaksNothing() throws Exception {
        try (java.net.DatagramSocket peer = new java.net.DatagramSocket(LOOPBACK)) {
            InetSocketAddress to = (InetSocketAddress) peer.getLocalSocketAddress();
            for (int round = 0; round < 10; round++) {
                DatagramChannel client = (DatagramChannel) new Bootstrap().group(group)
                        .channel(IocpDatagramChannel.class).handler(new ChannelInboundHandlerAdapter())
                        .bind(LOOPBACK).sync().channel();
                assertSentThenClosed(flushNumbered(client, to, 300, -1, 300));
                assertTrue(client.closeFuture().await(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void closingWithABatchWaitingForRoomCompletesEveryPromiseAndLeaksNothing() throws Exception {
        try (GroupSend send = GroupSend.open("239.255.41.10")) {
            Flush flush = flushNumbered(send.sender(), send.to(), 2000, -1, 2000);
            assertTrue(send.sender().closeFuture().await(30, TimeUnit.SECONDS), "closed");
            assertSentThenClosed(flush);
            List<Integer> received = receiveNumbers(send.member(), 2000);
            assertIncreasing(received);
            assertTrue(received.size() < 2000, "the close stopped sends in flight or queued: " + received.size());
        }
    }

    /**
     * A close while a batch waits for room in the send buffer, from the listener of one of its
     * writes: on io_uring the next send of the chain is then queued in the kernel, waiting for its
     * turn, where no cancellation finds it; the close shuts the sending side so that it fails as
     * it starts. At most one datagram more leaves (one whose result was in, not yet handled);
     * the rest of the batch fails with the close. Every datagram sent arrives, and only those.
     */
    @Test
    void closingWhileABatchIsUnderWayStopsItsChain() throws Exception {
        try (GroupSend send = GroupSend.open("239.255.41.11")) {
            int count = 2000;
            int closeAt = 10;
            Flush flush = flushNumbered(send.sender(), send.to(), count, -1, closeAt);
            assertTrue(send.sender().closeFuture().await(30, TimeUnit.SECONDS), "closed");
            int sent = assertSentThenClosed(flush);
            assertTrue(sent > closeAt, "the writes before the close went: " + sent);
            if (onIoUring()) { // nio may have handed a few more to the kernel before the close
                assertTrue(sent <= closeAt + 2, "at most one more after the close: " + sent);
            }
            assertEquals(IntStream.range(0, sent).boxed().toList(), receiveNumbers(send.member(), count),
                    "exactly the datagrams whose writes succeeded");
        }
    }
}
