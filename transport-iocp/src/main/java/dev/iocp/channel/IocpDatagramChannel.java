package dev.iocp.channel;

import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;

/**
 * A UDP socket on a completion port: the drop-in replacement for {@code NioDatagramChannel}.
 * Reads {@link DatagramPacket}s; writes {@link DatagramPacket}s, any
 * {@link AddressedEnvelope} of a {@link ByteBuf}, or a {@link ByteBuf} alone once connected.
 *
 * <p><b>Receives.</b> While auto-read is on, several receives stay in flight, each into its own
 * buffer from the {@link RecvByteBufAllocator}, so a burst of datagrams completes in one pass of
 * the loop: one while datagrams come one at a time, up to {@code maxMessagesPerRead} (at most
 * {@link DatagramReceives#MAX_IN_FLIGHT}) under a burst (see {@code receiveDepth}). The read
 * batch ends, with {@code channelReadComplete}, when the loop's batch of completions does.
 * With auto-read off each {@code read()} arms one receive. A datagram larger than its buffer is
 * cut to it, as NIO cuts it.
 *
 * <p><b>Sends.</b> Datagrams leave in write order, as NIO's and epoll's do: on nio, whose port
 * keeps a socket's sends in order, up to {@link DatagramSends#MAX_IN_FLIGHT} at once, the rest as
 * those complete; on io_uring in ordered batches of up to as many ({@link DatagramSendBatch}),
 * the next once every result is in. Each promise completes with its own send's result, in order.
 * A failed send fails its message only, as NIO's continues after a write error: the channel may
 * be writing to many peers.
 *
 * <p><b>Errors.</b> A connected channel whose peer's side answers with an ICMP error hears of it
 * as NIO does: a receive fires the error through {@code exceptionCaught}
 * ({@link PortUnreachableException} for port unreachable, {@link NoRouteToHostException} for
 * host unreachable or prohibited, a {@link SocketException} else) and the channel stays open and
 * reads on, or a send's promise fails with it. Only a failure of the socket itself closes it.
 *
 * <p>Multicast source blocking ({@code block}) is not supported, as on Netty's epoll transport.
 */
public class IocpDatagramChannel extends AbstractIocpChannel implements DatagramChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);

    private final IocpDatagramChannelConfig config;
    private final DatagramPortSocket datagramSocket;
    private final DatagramReceives receives = new DatagramReceives();
    private final DatagramSends sends = new DatagramSends();
    private final DatagramSendBatch batch = new DatagramSendBatch();
    /** Whether the read batch under way delivered a datagram (and so owes a channelReadComplete). */
    private boolean readInBatch;
    /** Whether the loop will call {@code completionBatchEnded()} at the end of its batch. */
    private boolean batchEndRequested;
    /**
     * How many receives auto-read keeps in flight, from 1 to maxMessagesPerRead. Every receive
     * waiting on the socket is woken by each datagram, and all but one find nothing and wait
     * again: while datagrams come one at a time, receives beyond the first only cost wake-ups. So
     * the depth follows the traffic: it doubles after a batch of completions that filled every
     * receive (a burst: more would have found a datagram too), and halves after one that filled
     * half of them or fewer.
     */
    private int receiveDepth = 1;
    /** Datagrams delivered in the loop's current batch of completions. */
    private int datagramsInBatch;

    /** A new IPv6 (dual-stack) socket, as {@code new NioDatagramChannel()} opens. */
    public IocpDatagramChannel() {
        this(StandardProtocolFamily.INET6);
    }

    /**
     * A new socket of {@code family}.
     *
     * @param family {@code INET} or {@code INET6}, as java.net's or Netty's {@link SocketProtocolFamily}
     * @throws io.netty.channel.ChannelException if the socket cannot be opened
     */
    public IocpDatagramChannel(ProtocolFamily family) {
        this(openSocket(family instanceof SocketProtocolFamily netty ? netty.toJdkFamily() : family));
    }

    private IocpDatagramChannel(DatagramPortSocket socket) {
        super(null, socket, false);
        this.datagramSocket = socket;
        this.config = new IocpDatagramChannelConfig(this, socket);
    }

    static DatagramPortSocket openSocket(ProtocolFamily family) {
        try {
            return Iocp.backend().openDatagramSocket(family);
        } catch (IOException e) {
            throw new ChannelException("failed to open a datagram socket", e);
        }
    }

    @Override
    public IocpDatagramChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    /** Once bound or connected, or from registration on with {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}. */
    @Override
    public boolean isActive() {
        return socket.isOpen() && (active || config.isActiveOnRegistration() && isRegistered());
    }

    @Override
    public boolean isConnected() {
        return remote != null && isOpen();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    /** Asks the socket while it has no address: its first send binds it to a free port. */
    @Override
    protected SocketAddress localAddress0() {
        InetSocketAddress known = (InetSocketAddress) local;
        if (known == null && socket.isOpen()) {
            try {
                known = (InetSocketAddress) socket.localAddress();
                local = known;
            } catch (IOException e) {
                return null;
            }
        }
        return known;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        active = true;
    }

    /**
     * Forgets the peer; the socket stays bound to its port (see {@link DatagramPortSocket#disconnect}),
     * and so the channel active. The local address is asked again: a connected socket's is the
     * address it sends from, a disconnected one's the wildcard unless a bind chose one.
     */
    @Override
    protected void doDisconnect() throws Exception {
        datagramSocket.disconnect();
        remote = null;
        local = socket.localAddress();
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        datagramUnsafe().scheduleReceives();
    }

    @Override
    protected void doDeregister() {
        datagramUnsafe().endBatchEarly(); // channelReadComplete before channelUnregistered
        super.doDeregister();
    }

    // ---- writes -----------------------------------------------------------------------------

    /** See {@link DatagramMessages#sendable}. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        return DatagramMessages.sendable(msg, alloc(), socket, remote != null);
    }

    /**
     * Submits the flushed messages not yet in flight: up to {@link DatagramSends#MAX_IN_FLIGHT} at
     * once where the port {@linkplain IocpIoRegistration#keepsDatagramSendOrder keeps sends in order},
     * else (io_uring wakes sends that wait for room newest first) one ordered batch at a time.
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        for (;;) {
            if (closing || registration == null || !registration.isValid()) {
                return; // what is left goes when sends complete, or fails with the close
            }
            if (sends.inFlight() == 0) {
                removeCancelledHead(in); // flushed after the last send: nothing completes them else
            }
            if (registration.keepsDatagramSendOrder() && sends.isFull()) {
                return;
            } else if (registration.keepsDatagramSendOrder()) {
                in.forEachFlushedMessage(this::submitSend);
            } else if (sends.inFlight() > 0) {
                return; // the next batch goes once this one's results are all in
            } else if (batch.submit(in, registration, sends)) {
                active = true; // see submitSend
            }
            if (!sends.headDone()) {
                return;
            }
            takeCompletedSends(in); // messages that failed at submission, in their turn
        }
    }

    /**
     * One flushed message: passed over while in flight (told by identity: cancelled entries are
     * not visited, and are not sends), else submitted; false stops the walk. A message the port
     * refuses fails alone, in its turn: the sends in flight go on.
     */
    private boolean submitSend(Object msg) {
        if (sends.holds(msg)) {
            return true;
        }
        if (sends.isFull()) {
            return false;
        }
        long id;
        try {
            id = registration.submitSendTo(DatagramMessages.payload(msg), DatagramMessages.recipient(msg));
        } catch (Throwable t) {
            sends.failed(msg, t);
            return true;
        }
        sends.submitted(id, msg);
        // The send binds an unbound socket to a free port, and a bound channel is active, as NIO's
        // is. It also keeps flush0 from failing, as an inactive channel's, messages being sent.
        active = true;
        return true;
    }

    /**
     * Takes the sends whose results are in off the outbound buffer, oldest first, each with its
     * own message: cancelled entries before it (never sent) are removed on the way. A send the
     * port left {@linkplain DatagramSends#headUnsent unsent} keeps its message queued, to go again.
     */
    private void takeCompletedSends(ChannelOutboundBuffer in) {
        while (sends.headDone()) {
            Object message = sends.headMessage();
            Throwable refused = sends.headFailure();
            boolean unsent = sends.headUnsent();
            boolean stopped = closing || sends.headCancelAsked();
            int sent;
            try {
                sent = sends.takeHead();
            } catch (IllegalStateException outOfOrder) {
                // A datagram went after one said unsent: no order is left; the close fails the rest.
                pipeline().fireExceptionCaught(outOfOrder);
                close();
                return;
            }
            if (in == null || unsent) {
                continue; // the close has failed what was queued; or it goes with the next batch
            }
            removeCancelledHead(in);
            if (in.current() != message) {
                continue; // not queued any more: failed with the rest of what was flushed (a close)
            }
            if (refused != null) {
                in.remove(refused);
            } else if (sent >= 0) {
                in.remove();
            } else {
                in.remove(DatagramErrors.ofSend(sent, (PortException) failure("sendmsg", sent), stopped));
            }
        }
    }

    /**
     * Removes the cancelled entries at the head of the outbound buffer, whose message is
     * {@link Unpooled#EMPTY_BUFFER} (the cancellation released the real one): no written message
     * is ({@link #filterOutboundMessage} replaces it with a buffer of its own).
     */
    private static void removeCancelledHead(ChannelOutboundBuffer in) {
        while (in.current() == Unpooled.EMPTY_BUFFER) {
            in.remove(); // completes no promise: a cancelled entry's is done
        }
    }

    // ---- multicast --------------------------------------------------------------------------

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress) {
        return joinGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return onDefaultInterface(true, multicastAddress, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return joinGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                   ChannelPromise promise) {
        return joinGroup(multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source) {
        return joinGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source,
                                   ChannelPromise promise) {
        return membership(true, multicastAddress, networkInterface, source, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress) {
        return leaveGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return onDefaultInterface(false, multicastAddress, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return leaveGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                    ChannelPromise promise) {
        return leaveGroup(multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source) {
        return leaveGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface, InetAddress source,
                                    ChannelPromise promise) {
        return membership(false, multicastAddress, networkInterface, source, promise);
    }

    /** On the channel's multicast interface, else the one its local address is on (as NIO chooses). */
    private ChannelFuture onDefaultInterface(boolean join, InetAddress group, ChannelPromise promise) {
        try {
            return membership(join, group, defaultInterface(), null, promise);
        } catch (IOException | RuntimeException e) {
            return promise.setFailure(e);
        }
    }

    /** Joins or leaves a group (of one source, where {@code source} is not null); the socket does it at once. */
    private ChannelFuture membership(boolean join, InetAddress group, NetworkInterface networkInterface,
                                     InetAddress source, ChannelPromise promise) {
        try {
            if (join) {
                datagramSocket.joinGroup(group, networkInterface, source);
            } else {
                datagramSocket.leaveGroup(group, networkInterface, source);
            }
            return promise.setSuccess();
        } catch (IOException | RuntimeException e) {
            return promise.setFailure(e);
        }
    }

    private NetworkInterface defaultInterface() throws SocketException {
        NetworkInterface networkInterface = config.getNetworkInterface();
        if (networkInterface == null) {
            InetSocketAddress bound = localAddress();
            networkInterface = bound == null ? null : NetworkInterface.getByInetAddress(bound.getAddress());
        }
        if (networkInterface == null) {
            throw new IllegalStateException("no interface to join on: set IP_MULTICAST_IF, or bind to an "
                    + "interface's address, or name the interface");
        }
        return networkInterface;
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock) {
        return block(multicastAddress, networkInterface, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock, ChannelPromise promise) {
        return promise.setFailure(new UnsupportedOperationException(
                "multicast source blocking is not supported by the iocp transport"));
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock) {
        return block(multicastAddress, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock, ChannelPromise promise) {
        return block(multicastAddress, null, sourceToBlock, promise);
    }

    // ---- in flight --------------------------------------------------------------------------

    /** Auto-read was switched off: the receives armed for it are cancelled. */
    @Override
    void autoReadCleared() {
        if (!isRegistered()) {
            readPending = false;
        } else if (eventLoop().inEventLoop()) {
            cancelReceives();
        } else {
            eventLoop().execute(this::cancelReceives);
        }
    }

    private void cancelReceives() {
        readPending = false;
        if (!config.isAutoRead() && registration != null && registration.isValid() && socket.isOpen()) {
            receives.forEachId(registration::submitCancel);
        }
    }

    @Override
    void cancelInFlight() {
        if (registration != null && socket.isOpen()) {
            if (closing && sends.inFlight() > 0 && !registration.keepsDatagramSendOrder()) {
                DatagramSendBatch.stop(socket); // before the cancellations: see there
            }
            receives.forEachId(registration::submitCancel);
            sends.cancelPending(registration::submitCancel);
        }
    }

    @Override
    boolean hasInFlight() {
        return receives.inFlight() > 0 || sends.inFlight() > 0;
    }

    private DatagramUnsafe datagramUnsafe() {
        return (DatagramUnsafe) unsafe();
    }

    @Override
    protected AbstractIocpUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    private final class DatagramUnsafe extends AbstractIocpUnsafe {

        /** Connecting a datagram socket only fixes its peer: it is done at once. */
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            boolean wasActive = isActive();
            try {
                InetSocketAddress target = checkInet(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                datagramSocket.connect(target);
                remote = socket.remoteAddress();
                local = socket.localAddress();
                active = true;
            } catch (Throwable t) {
                safeSetFailure(promise, t);
                closeIfClosed();
                return;
            }
            safeSetSuccess(promise);
            if (!wasActive && isActive()) {
                pipeline().fireChannelActive();
            }
        }

        /**
         * Arms receives up to what the channel wants in flight: with auto-read,
         * {@code receiveDepth}; without, one for a pending read().
         */
        void scheduleReceives() {
            if (closing || !isActive() || registration == null || !registration.isValid()) {
                return;
            }
            int wanted = config.isAutoRead() ? Math.min(receiveDepth, maxReceiveDepth()) : readPending ? 1 : 0;
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            while (receives.inFlight() < wanted) {
                ByteBuf buffer = receiveBuffer(handle);
                try {
                    long id = registration.submitReceiveFrom(buffer.nioBuffer(buffer.writerIndex(), buffer.writableBytes()));
                    receives.add(id, buffer);
                } catch (Throwable t) {
                    buffer.release();
                    throw t;
                }
            }
        }

        /**
         * Adapts {@code receiveDepth} to the batch of completions that just ended: a batch that
         * filled every receive in flight doubles it, one that filled half of them or fewer halves it.
         */
        private void adaptReceiveDepth() {
            if (datagramsInBatch >= receiveDepth) {
                receiveDepth = Math.min(receiveDepth * 2, maxReceiveDepth());
            } else if (datagramsInBatch <= receiveDepth / 2) {
                receiveDepth = Math.max(receiveDepth / 2, 1);
            }
            datagramsInBatch = 0;
        }

        /** maxMessagesPerRead, within 1 and {@link DatagramReceives#MAX_IN_FLIGHT}. */
        private int maxReceiveDepth() {
            RecvByteBufAllocator allocator = config.getRecvByteBufAllocator();
            int perRead = allocator instanceof MaxMessagesRecvByteBufAllocator max ? max.maxMessagesPerRead() : 1;
            return Math.clamp(perRead, 1, DatagramReceives.MAX_IN_FLIGHT);
        }

        /** A buffer of the allocator's size, direct and in one piece, as the port receives into native memory. */
        private ByteBuf receiveBuffer(RecvByteBufAllocator.Handle handle) {
            ByteBuf buffer = handle.allocate(config.getAllocator());
            if (DatagramMessages.isSingleDirect(buffer)) {
                return buffer;
            }
            int capacity = buffer.writableBytes();
            buffer.release();
            return config.getAllocator().directBuffer(capacity);
        }

        /** Unused: {@code handle} passes every receive completion's id, to the method below. */
        @Override
        void readComplete(int result, int flags) {
            throw new AssertionError("a datagram receive is told apart from the others in flight by its id");
        }

        @Override
        void readComplete(int result, int flags, long operationId) {
            ByteBuf buffer = receives.take(operationId);
            if (buffer == null) {
                return; // not a receive of this channel: nothing to deliver
            }
            if (closing || !isOpen()) {
                buffer.release();
                return;
            }
            ChannelPipeline pipeline = pipeline();
            if (result < 0) {
                buffer.release();
                if (!receiveFailed(result, pipeline)) {
                    return;
                }
            } else {
                InetSocketAddress sender = registration.receivedFrom();
                buffer.writerIndex(buffer.writerIndex() + result);
                RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
                if (!readInBatch) {
                    handle.reset(config);
                    readInBatch = true;
                }
                handle.lastBytesRead(result);
                handle.incMessagesRead(1);
                datagramsInBatch++;
                readPending = false;
                if (!batchEndRequested) {
                    batchEndRequested = true; // channelReadComplete when the loop's batch ends
                    registration.endBatchLater(this);
                }
                pipeline.fireChannelRead(new DatagramPacket(buffer, IocpDatagramChannel.this.localAddress(), sender));
            }
            scheduleReceives();
        }

        /**
         * A receive failed. A cancelled one (auto-read switched off, or the close) is let go. A
         * failure of the socket itself ({@link #isSocketFailure}) is reported and closes the
         * channel. Any other error is one the kernel reports for the socket and then forgets:
         * on a connected socket the ICMP errors its peer's side answers with (port unreachable,
         * host or network unreachable, administratively prohibited, fragmentation needed...), or
         * a shortage of memory. It is reported through {@code exceptionCaught}, as the exception
         * NIO would surface, and the channel reads on: NIO's datagram channel does not close on
         * a read's SocketException, nor epoll's on a read error.
         *
         * @return whether the channel reads on
         */
        private boolean receiveFailed(int result, ChannelPipeline pipeline) {
            if (isCancelled(result)) {
                return true;
            }
            // As NIO's read on an exception (AbstractNioMessageChannel.NioMessageUnsafe.read):
            // the read batch ends with channelReadComplete (also when it delivered nothing), then
            // exceptionCaught. A pending read() stays pending, as no datagram answered it: with
            // auto-read off, reading goes on, and a handler reading from channelReadComplete
            // keeps going.
            endReadBatchAfterError(pipeline);
            if (isSocketFailure(result)) {
                readPending = false;
                pipeline.fireExceptionCaught(failure("recvmsg", result));
                close(voidPromise());
                return false;
            }
            pipeline.fireExceptionCaught(DatagramErrors.of((PortException) failure("recvmsg", result)));
            return true;
        }

        /** channelReadComplete for the read batch a receive's error ends, also when it delivered nothing. */
        private void endReadBatchAfterError(ChannelPipeline pipeline) {
            if (readInBatch) {
                endBatchEarly();
            } else {
                pipeline.fireChannelReadComplete();
            }
        }

        /**
         * Whether a receive's error says the socket (or the request) cannot work at all, so that
         * another receive would fail the same way at once, and reading on would spin: a
         * descriptor that is closed or not a socket (EBADF, ENOTSOCK), a request the socket
         * refuses as such (EINVAL, EOPNOTSUPP) or memory the kernel cannot write (EFAULT).
         * Nothing the network does gives these.
         */
        private static boolean isSocketFailure(int result) {
            return switch (-result) {
                case Errno.EBADF, Errno.ENOTSOCK, Errno.EINVAL, Errno.EOPNOTSUPP, Errno.EFAULT -> true;
                default -> false;
            };
        }

        /** The loop finished a batch of completions: the read batch ends with it. */
        @Override
        public void completionBatchEnded() {
            batchEndRequested = false;
            endBatchEarly();
            adaptReceiveDepth();
            scheduleReceives();
        }

        /** Ends the read batch under way, if it delivered anything. */
        void endBatchEarly() {
            if (readInBatch) {
                readInBatch = false;
                recvBufAllocHandle().readComplete();
                pipeline().fireChannelReadComplete();
            }
        }

        @Override
        void beforeClose() {
            endBatchEarly(); // channelReadComplete before channelInactive
        }

        @Override
        void writeComplete(int result, int flags, long operationId) {
            if (!sends.completed(operationId, result)) {
                return;
            }
            takeCompletedSends(outboundBuffer());
            flushThenCloseWhenDone();
        }

        /** Submits what was flushed behind the sends that completed; closes once all is sent if the loop is ending. */
        private void flushThenCloseWhenDone() {
            flush0();
            if (sends.inFlight() == 0 && !closing && closeWhenFlushed) {
                close(voidPromise()); // the loop is shutting down, and all that was flushed is sent
            }
        }

        @Override
        boolean hasPendingWrites() {
            ChannelOutboundBuffer in = outboundBuffer();
            return sends.inFlight() > 0 || in != null && !in.isEmpty();
        }
    }
}
