package dev.iocp.channel;

import dev.iocp.testing.RawDescriptors;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.CharsetUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Descriptor passing on {@link IocpDomainSocketChannel}: {@link FileDescriptor} writes and
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS} reads on io_uring, what the transport owns and
 * closes and what it leaves to the application, and the refusals on nio.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpDomainSocketDescriptorTest {
    private static EventLoopGroup group;

    @TempDir
    Path directory;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(Iocp.isAvailable(), () -> "Iocp unavailable: " + Iocp.unavailabilityCause());
        group = new IocpEventLoopGroup(2);
    }

    /** Starts both loops (and opens their ports) before a test counts this process's descriptors. */
    @BeforeAll
    static void startLoops() throws Exception {
        if (group == null) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            Channel channel = new IocpDomainSocketChannel();
            group.register(channel).sync();
            channel.close().sync();
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static boolean onIoUring() {
        return Iocp.backend().name().equals("io_uring");
    }

    private static void assumeIoUring() {
        Assumptions.assumeTrue(onIoUring(), "descriptor passing needs io_uring");
    }

    /** Queues what its channel reads (descriptors as they are, bytes as text) and the events it sees. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        final BlockingQueue<Channel> channels = new LinkedBlockingQueue<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                seen.add(buf.toString(CharsetUtil.ISO_8859_1));
                buf.release();
            } else {
                seen.add(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            seen.add("readComplete");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
        }

        /** The next thing seen that is not a channelReadComplete. */
        Object next() throws InterruptedException {
            Object next;
            do {
                next = seen.poll(30, TimeUnit.SECONDS);
                assertTrue(next != null, "nothing more was seen");
            } while ("readComplete".equals(next));
            return next;
        }

        IocpFileDescriptor descriptor() throws InterruptedException {
            return assertInstanceOf(IocpFileDescriptor.class, next());
        }

        /** Collects text until it has {@code length} characters. */
        String text(int length) throws InterruptedException {
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                Object next = next();
                assertInstanceOf(String.class, next, () -> "expected bytes, got " + next);
                text.append(next);
            }
            return text.toString();
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    private Channel server(Path file, Recorder recorder, DomainSocketReadMode mode, boolean autoRead) throws Exception {
        return new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, mode)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(recorder)
                .bind(new DomainSocketAddress(file.toString())).sync().channel();
    }

    /** A server on {@code name} whose children read in {@code mode}, recorded, and a client connected to it. */
    private record Connection(Recorder recorder, Channel server, Channel client) {
    }

    private Connection connect(String name, DomainSocketReadMode mode, boolean autoRead) throws Exception {
        Path file = directory.resolve(name);
        Recorder recorder = new Recorder();
        Channel server = server(file, recorder, mode, autoRead);
        return new Connection(recorder, server, client(file));
    }

    private static Channel client(Path file) throws Exception {
        return client(file, new ChannelInboundHandlerAdapter());
    }

    private static Channel client(Path file, io.netty.channel.ChannelHandler handler) throws Exception {
        return new Bootstrap().group(group).channel(IocpDomainSocketChannel.class)
                .handler(handler)
                .connect(new DomainSocketAddress(file.toString())).sync().channel();
    }

    private int openFile(String name) throws IOException {
        return RawDescriptors.openFile(directory.resolve(name));
    }

    /** {@code count} new files, opened: {@code prefix0}, {@code prefix1}, ... */
    private int[] openFiles(String prefix, int count) throws IOException {
        int[] descriptors = new int[count];
        for (int i = 0; i < count; i++) {
            descriptors[i] = openFile(prefix + i);
        }
        return descriptors;
    }

    /** Closes both channels, then the test's own descriptors. */
    private static void closeAll(Channel client, Channel server, int... descriptors) throws InterruptedException {
        client.close().sync();
        server.close().sync();
        for (int fd : descriptors) {
            RawDescriptors.close(fd);
        }
    }

    @Test
    void aDescriptorWrittenArrivesAsAFileDescriptorOfTheSameFileAndClosesOnce() throws Exception {
        assumeIoUring();
        Connection connection = connect("pass.sock", DomainSocketReadMode.FILE_DESCRIPTORS, true);
        Recorder recorder = connection.recorder();
        Channel server = connection.server();
        Channel client = connection.client();
        int sent = openFile("shared.txt");
        FileDescriptor nettys = new FileDescriptor(sent); // Netty's own type, as epoll code writes it
        client.writeAndFlush(nettys).sync();
        assertTrue(nettys.isOpen() && RawDescriptors.isOpen(sent), "the writer keeps its descriptor");

        IocpFileDescriptor received = recorder.descriptor();
        assertInstanceOf(FileDescriptor.class, received);
        assertNotEquals(sent, received.intValue());
        assertEquals(RawDescriptors.target(sent), RawDescriptors.target(received.intValue()));
        RawDescriptors.write(received.intValue(), "through the received one");
        assertEquals("through the received one", Files.readString(directory.resolve("shared.txt")));

        int number = received.intValue();
        assertTrue(received.isOpen());
        received.close();
        assertFalse(received.isOpen());
        assertFalse(RawDescriptors.isOpen(number), "closed for real");
        received.close(); // idempotent: a second close must not close a descriptor that reused the number
        int reused = openFile("reuse.txt");
        received.close();
        assertTrue(RawDescriptors.isOpen(reused), "a later close() leaves a descriptor that reused the number alone");
        RawDescriptors.close(reused);

        closeAll(client, server, sent);
    }

    @Test
    void severalDescriptorsArriveInTheOrderWrittenEachAsAMessage() throws Exception {
        assumeIoUring();
        Connection connection = connect("order.sock", DomainSocketReadMode.FILE_DESCRIPTORS, true);
        Recorder recorder = connection.recorder();
        Channel server = connection.server();
        Channel client = connection.client();
        int[] sent = openFiles("f", 12);
        for (int fd : sent) {
            client.write(new FileDescriptor(fd));
        }
        client.flush();
        for (int i = 0; i < sent.length; i++) {
            IocpFileDescriptor received = recorder.descriptor();
            assertEquals(RawDescriptors.target(sent[i]), RawDescriptors.target(received.intValue()), "descriptor " + i);
            received.close();
        }
        closeAll(client, server, sent);
    }

    /**
     * Bytes and descriptors written in turn leave in that order: a reader in the byte mode gets
     * each descriptor's carrying byte (0) between the bytes (the kernel drops the descriptors, as
     * a read without room for them must), and a reader of descriptors gets them in order.
     */
    @Test
    void bytesAndDescriptorsWrittenInTurnKeepTheirOrder() throws Exception {
        assumeIoUring();
        int a = openFile("a");
        int b = openFile("b");
        long before = RawDescriptors.openCount();
        for (DomainSocketReadMode mode : DomainSocketReadMode.values()) {
            Connection connection = connect(mode + ".sock", mode, true);
            Recorder recorder = connection.recorder();
            Channel client = connection.client();
            client.write(Unpooled.copiedBuffer("A", CharsetUtil.US_ASCII));
            client.write(new FileDescriptor(a));
            client.write(Unpooled.copiedBuffer("B", CharsetUtil.US_ASCII));
            ChannelFuture last = client.writeAndFlush(new FileDescriptor(b));
            client.writeAndFlush(Unpooled.copiedBuffer("C", CharsetUtil.US_ASCII));
            last.sync();
            if (mode == DomainSocketReadMode.BYTES) {
                assertEquals("A\0B\0C", recorder.text(5));
            } else {
                IocpFileDescriptor first = recorder.descriptor();
                IocpFileDescriptor second = recorder.descriptor();
                assertEquals(RawDescriptors.target(a), RawDescriptors.target(first.intValue()));
                assertEquals(RawDescriptors.target(b), RawDescriptors.target(second.intValue()));
                first.close();
                second.close();
            }
            recorder.channels.poll(30, TimeUnit.SECONDS).close().sync(); // half-closure allowed: it stays open else
            closeAll(client, connection.server());
        }
        assertSettles(before);
        RawDescriptors.close(a);
        RawDescriptors.close(b);
    }

    @Test
    void withAutoReadOffEachReadDeliversTheNextMessage() throws Exception {
        assumeIoUring();
        Connection connection = connect("manual.sock", DomainSocketReadMode.FILE_DESCRIPTORS, false);
        Recorder recorder = connection.recorder();
        Channel server = connection.server();
        Channel client = connection.client();
        Channel child = recorder.channels.poll(30, TimeUnit.SECONDS);
        int[] sent = openFiles("m", 3);
        for (int fd : sent) {
            client.writeAndFlush(new FileDescriptor(fd)).sync();
        }
        assertNull(recorder.seen.poll(200, TimeUnit.MILLISECONDS), "nothing is read before read()");
        for (int i = 0; i < sent.length; i++) {
            child.read();
            IocpFileDescriptor received = recorder.descriptor();
            assertEquals(RawDescriptors.target(sent[i]), RawDescriptors.target(received.intValue()));
            received.close();
            assertEquals("readComplete", recorder.seen.poll(30, TimeUnit.SECONDS));
            assertNull(recorder.seen.poll(200, TimeUnit.MILLISECONDS), "one message per read()");
        }
        closeAll(client, server, sent);
    }

    /**
     * As on epoll, a change of the read mode takes effect on the next read. From descriptors to
     * bytes between reads with auto-read off nothing is armed; from bytes to descriptors the byte
     * mode's stream receive is armed until the switch cancels it, so, as the README says, the
     * peer must not send descriptors before then: here it waits for a message the channel writes
     * after the switch, which the kernel gets after the cancel.
     */
    @Test
    void switchingTheReadModeTakesEffectOnTheNextRead() throws Exception {
        assumeIoUring();
        Path file = directory.resolve("switch.sock");
        Recorder recorder = new Recorder();
        Channel server = server(file, recorder, DomainSocketReadMode.FILE_DESCRIPTORS, false);
        Recorder clientRecorder = new Recorder();
        Channel client = client(file, clientRecorder);
        IocpDomainSocketChannel child = (IocpDomainSocketChannel) recorder.channels.poll(30, TimeUnit.SECONDS);
        int fd = openFile("switch");

        client.writeAndFlush(new FileDescriptor(fd)).sync();
        child.read();
        recorder.descriptor().close();
        child.config().setReadMode(DomainSocketReadMode.BYTES);
        client.writeAndFlush(Unpooled.copiedBuffer("bytes", CharsetUtil.US_ASCII)).sync();
        child.read();
        assertEquals("bytes", recorder.text(5));
        child.config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        child.writeAndFlush(Unpooled.copiedBuffer("go", CharsetUtil.US_ASCII)).sync();
        assertEquals("go", clientRecorder.text(2));
        client.writeAndFlush(new FileDescriptor(fd)).sync();
        child.read();
        IocpFileDescriptor again = recorder.descriptor();
        assertEquals(RawDescriptors.target(fd), RawDescriptors.target(again.intValue()));
        again.close();
        closeAll(client, server, fd);
    }

    /**
     * Epoll code may close a descriptor as soon as its write returns ({@code sendFd} is
     * synchronous): the port sends a duplicate made as the write is submitted. The number freed
     * is reused at once here, and the peer still gets the file written.
     */
    @Test
    void aDescriptorClosedInTheTaskThatWritesItStillArrives() throws Exception {
        assumeIoUring();
        Connection connection = connect("closed-at-once.sock", DomainSocketReadMode.FILE_DESCRIPTORS, true);
        Channel client = connection.client();
        int sent = openFile("written.txt");
        String target = RawDescriptors.target(sent);
        int[] reused = new int[1];
        ChannelFuture write = client.eventLoop().submit(() -> {
            ChannelFuture written = client.writeAndFlush(new FileDescriptor(sent));
            RawDescriptors.close(sent);
            reused[0] = openFile("reused.txt");
            return written;
        }).get();
        write.sync();
        IocpFileDescriptor received = connection.recorder().descriptor();
        assertEquals(target, RawDescriptors.target(received.intValue()), "the file written, not the reuse");
        received.close();
        closeAll(client, connection.server(), reused[0]);
    }

    /**
     * A descriptor closed behind its {@link FileDescriptor}'s back fails its own write with an
     * IllegalArgumentException; the writes around it go out and the channel stays open. No
     * duplicate the transport sent stays open, also when the connection closes with descriptor
     * sends still in flight.
     */
    @Test
    void aClosedDescriptorFailsItsOwnWriteOnlyAndNoDuplicateStaysOpen() throws Exception {
        assumeIoUring();
        int fd = openFile("kept");
        int closed = RawDescriptors.notOpen();
        Connection connection = connect("refused.sock", DomainSocketReadMode.FILE_DESCRIPTORS, false);
        Channel client = connection.client();
        Channel child = connection.recorder().channels.poll(30, TimeUnit.SECONDS);
        ChannelFuture first = client.write(new FileDescriptor(fd));
        ChannelFuture refused = client.write(new FileDescriptor(closed)); // open as far as Netty knows
        ChannelFuture last = client.writeAndFlush(new FileDescriptor(fd));
        Throwable cause = refused.await().cause();
        assertInstanceOf(IllegalArgumentException.class, cause);
        assertTrue(cause.getMessage().startsWith("descriptor " + closed + " is not open (EBADF)"), cause.getMessage());
        first.sync();
        last.sync();
        for (int i = 0; i < 2; i++) {
            child.read();
            IocpFileDescriptor received = connection.recorder().descriptor();
            assertEquals(RawDescriptors.target(fd), RawDescriptors.target(received.intValue()));
            received.close();
        }
        assertTrue(client.isActive(), "a refused descriptor fails its write, not the connection");

        // The child reads no more (auto-read off): the sends end up waiting for room.
        for (int i = 0; i < 600; i++) { // more than the send buffer holds (each message is a buffer of its own)
            client.write(new FileDescriptor(fd));
        }
        client.flush();
        client.close().sync(); // with sends in flight or queued
        closeAll(child, connection.server());
        // The child may have read on after the client's close (the peer's closure has it read to
        // the end): what it fired is the application's, as on epoll, and is closed here.
        for (Object seen : connection.recorder().seen) {
            if (seen instanceof IocpFileDescriptor delivered) {
                delivered.close();
            }
        }
        // Counted by what they refer to: the process's other descriptors come and go with other tests.
        String target = RawDescriptors.target(fd);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (RawDescriptors.openTo(target) != 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, RawDescriptors.openTo(target), "only the writer's own descriptor of the file: no duplicate left");
        RawDescriptors.close(fd);
    }

    @Test
    void theEndOfInputHalfClosesAsInTheByteMode() throws Exception {
        assumeIoUring();
        Connection connection = connect("end.sock", DomainSocketReadMode.FILE_DESCRIPTORS, true);
        Recorder recorder = connection.recorder();
        Channel server = connection.server();
        IocpDomainSocketChannel client = (IocpDomainSocketChannel) connection.client();
        Channel child = recorder.channels.poll(30, TimeUnit.SECONDS);
        client.shutdownOutput().sync();
        assertEquals(ChannelInputShutdownEvent.INSTANCE, recorder.next());
        assertEquals(ChannelInputShutdownReadComplete.INSTANCE, recorder.next());
        assertTrue(child.isOpen(), "half-closed (ALLOW_HALF_CLOSURE), not closed");
        child.close().sync();
        client.close().sync();
        server.close().sync();
    }

    /**
     * Many descriptors through channels that then close, one receiver closing with descriptors
     * still coming: the transport leaves none of its own open. Descriptors a handler received
     * and dropped are the application's, open until it closes them, as on epoll.
     */
    @Test
    void theTransportLeaksNoDescriptorItOwns() throws Exception {
        assumeIoUring();
        int fd = openFile("many");
        long before = RawDescriptors.openCount();

        Path file = directory.resolve("leak.sock");
        List<Integer> dropped = new ArrayList<>();
        BlockingQueue<Channel> children = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        children.add(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) throws IOException {
                        FileDescriptor received = (FileDescriptor) msg;
                        synchronized (dropped) {
                            if (dropped.size() < 10) {
                                dropped.add(received.intValue()); // dropped unclosed: the application's
                                return;
                            }
                        }
                        received.close();
                        if (ctx.channel().attr(CLOSE_AFTER).get() != null) {
                            ctx.close(); // with more on the way
                        }
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .bind(new DomainSocketAddress(file.toString())).sync().channel();
        for (int round = 0; round < 5; round++) {
            Channel client = client(file);
            Channel child = children.poll(30, TimeUnit.SECONDS);
            if (round % 2 == 1) {
                child.attr(CLOSE_AFTER).set(Boolean.TRUE);
            }
            ChannelFuture last = null;
            for (int i = 0; i < 100; i++) {
                last = client.write(new FileDescriptor(fd));
            }
            client.flush();
            last.await(30, TimeUnit.SECONDS); // fails once the receiver has closed: what was sent is dropped
            client.close().sync();
            child.closeFuture().await(30, TimeUnit.SECONDS);
        }
        server.close().sync();
        assertEquals(10, dropped.size());
        assertSettles(before + dropped.size()); // the dropped ones stay open: closing them is the application's
        for (int leftOpen : dropped) {
            assertTrue(RawDescriptors.isOpen(leftOpen));
            RawDescriptors.close(leftOpen);
        }
        assertSettles(before);
        RawDescriptors.close(fd);
    }

    private static final io.netty.util.AttributeKey<Boolean> CLOSE_AFTER =
            io.netty.util.AttributeKey.valueOf(IocpDomainSocketDescriptorTest.class, "closeAfter");

    /**
     * A raw peer sends more descriptors in one message than a receive takes: the read fails with
     * an IOException saying so, the input ends, and none of those descriptors stays open here.
     */
    @Test
    void aMessageWithTooManyDescriptorsFailsTheReadAndLeavesNoneOpen() throws Exception {
        assumeIoUring();
        int[] many = openFiles("m", 11);
        long before = RawDescriptors.openCount();
        Path file = directory.resolve("ctrunc.sock");
        Recorder recorder = new Recorder();
        Channel server = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childHandler(recorder)
                .bind(new DomainSocketAddress(file.toString())).sync().channel();
        int raw = RawDescriptors.connect(file);
        Channel child = recorder.channels.poll(30, TimeUnit.SECONDS);
        assertEquals(1, RawDescriptors.sendDescriptors(raw, many));
        IOException failure = assertInstanceOf(IOException.class, recorder.next());
        assertTrue(failure.getMessage().startsWith("a message carried more descriptors than a receive takes (8)"),
                failure.getMessage());
        assertTrue(child.closeFuture().await(30, TimeUnit.SECONDS), "the input ended: closed");
        RawDescriptors.close(raw);
        server.close().sync();
        assertSettles(before);
        for (int fd : many) {
            RawDescriptors.close(fd);
        }
    }

    @Test
    void nioRefusesTheModeAndFailsADescriptorWrite() throws Exception {
        Assumptions.assumeFalse(onIoUring(), "io_uring passes descriptors");
        Path file = directory.resolve("nio.sock");
        Channel server = new ServerBootstrap().group(group).channel(IocpServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(file.toString())).sync().channel();
        Channel client = client(file);
        Throwable cause = client.writeAndFlush(new FileDescriptor(0)).await().cause();
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().startsWith("writing a FileDescriptor (SCM_RIGHTS) needs the io_uring backend"),
                cause.getMessage());
        UnsupportedOperationException mode = org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class,
                () -> ((IocpDomainSocketChannel) client).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS));
        assertTrue(mode.getMessage().startsWith("DomainSocketReadMode.FILE_DESCRIPTORS needs the io_uring backend"),
                mode.getMessage());
        assertTrue(client.isActive(), "a refused write does not close the channel");
        client.close().sync();
        server.close().sync();
    }

    @Test
    void aTcpChannelRefusesADescriptorAsAnyUnsupportedMessage() throws Exception {
        IocpSocketChannel tcp = new IocpSocketChannel();
        group.register(tcp).sync();
        Throwable cause = tcp.writeAndFlush(new FileDescriptor(0)).await().cause();
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertTrue(cause.getMessage().startsWith("unsupported message type: io.netty.channel.unix.FileDescriptor"),
                cause.getMessage());
        tcp.close().sync();
    }

    /** Waits for this process's open descriptors to come to {@code expected} (the kernel may release some late). */
    private static void assertSettles(long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now;
        while ((now = RawDescriptors.openCount()) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (now != expected) {
            StringBuilder open = new StringBuilder();
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                fds.forEach(p -> {
                    try {
                        open.append(p.getFileName()).append("->").append(Files.readSymbolicLink(p)).append(' ');
                    } catch (IOException e) {
                        open.append(p.getFileName()).append("->? ");
                    }
                });
            }
            assertEquals(expected, now, "open descriptors: " + open);
        }
    }
}
