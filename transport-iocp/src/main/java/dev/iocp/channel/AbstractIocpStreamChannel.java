package dev.iocp.channel;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseNotifier;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * What the stream channels share, TCP ({@link IocpSocketChannel}) and Unix-domain
 * ({@link IocpDomainSocketChannel}): a connected byte stream on a completion port, with
 * connect, half-closure, reads and writes. The subclasses add the address and option types
 * their Netty interface asks for.
 *
 * <p>Reads come from one armed stream receive (the input side, {@link AbstractIocpStreamInputChannel},
 * which this class extends): arrivals are handed on in the
 * port's buffers, or copied into buffers from the channel's {@link RecvByteBufAllocator}, and a
 * read batch continues while the allocator wants more and the kernel says more is queued. Writes are sends straight from the {@link ChannelOutboundBuffer}
 * ({@link ByteBufSender}), one in flight at a time; its completion removes what was sent and
 * sends the rest.
 */
abstract class AbstractIocpStreamChannel extends AbstractIocpStreamInputChannel implements DuplexChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AbstractIocpStreamChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private long writeId;
    /**
     * A send's completion is removing the bytes sent from the outbound buffer (or accounting a
     * file region's part). Removal goes message by message, firing write promises, progress and
     * channelWritabilityChanged as it goes, and until it ends the messages after the one removed
     * still have sent bytes readable: a write and flush made from there submits nothing (the
     * completion's own flush0 sends it after).
     */
    private boolean removingSent;
    private long connectId;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private SocketAddress requestedRemote;
    private volatile boolean outputShutdown;
    /**
     * Sends the FileRegion at the head of the buffer: from its file where it can, else copied.
     * Made with the first FileRegion written, so a connection that sends none holds none.
     */
    private FileRegionSender fileRegions;
    /** Sends the ByteBufs at the head of the buffer, from their memory. */
    private final ByteBufSender bufferSender = new ByteBufSender();
    /** A shutdownOutput() waiting for the send of what was flushed before it. */
    private ChannelPromise outputShutdownWaiting;

    /** A socket not yet connected. */
    AbstractIocpStreamChannel(PortSocket socket) {
        super(null, socket, false);
    }

    /**
     * An accepted connection: active from the start, even if the peer has reset it already —
     * its first receive then reports that and closes it, so no accepted socket is left behind.
     */
    AbstractIocpStreamChannel(Channel parent, PortSocket accepted) {
        super(parent, accepted, true);
        this.remote = addressOrNull(accepted, true);
        this.local = addressOrNull(accepted, false);
    }

    private static SocketAddress addressOrNull(PortSocket socket, boolean remote) {
        try {
            return remote ? socket.remoteAddress() : socket.localAddress();
        } catch (IOException e) {
            return null; // the connection is already gone; the first receive will say so
        }
    }


    /** Sends of at least this many bytes go out zero-copy; -1: none. */
    abstract int sendZeroCopyThreshold();

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractIocpUnsafe newUnsafe() {
        return new SocketUnsafe();
    }

    private SocketUnsafe socketUnsafe() {
        return (SocketUnsafe) unsafe();
    }

    @Override
    boolean sendInFlight() {
        return writeId != 0;
    }

    // ---- shutdown ---------------------------------------------------------------------------

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !isOpen();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !isActive();
    }

    @Override
    public boolean isShutdown() {
        return (inputShutdown && outputShutdown) || !isActive();
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        if (!isOpen()) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        if (!isActive()) {
            promise.setFailure(new java.nio.channels.NotYetConnectedException());
            return;
        }
        try {
            if (!inputShutdown) {
                socket.shutdown(ShutdownMode.INPUT);
                inputShutdown = true;
            }
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownOutputAfterFlushed(promise);
        } else {
            loop.execute(() -> shutdownOutputAfterFlushed(promise));
        }
        return promise;
    }

    /**
     * Shuts the output down once what was flushed before has been sent. A flush only submits a
     * send, and the FIN of a {@code shutdown(2)} made at once would overtake it: the peer would
     * read EOF without the data, which NIO and epoll (whose flush writes synchronously) deliver.
     * While the shutdown waits, new writes fail with {@link ChannelOutputShutdownException}.
     */
    private void shutdownOutputAfterFlushed(ChannelPromise promise) {
        if (outputShutdownWaiting != null) {
            // Told of the outcome of the one already waiting; cancelling it cannot stop that one.
            outputShutdownWaiting.addListener(new PromiseNotifier<>(false, promise));
            return;
        }
        ChannelOutboundBuffer in = unsafe().outboundBuffer();
        if (isActive() && (writeId != 0 || (in != null && in.size() > 0))) {
            if (promise.setUncancellable()) {
                outputShutdownWaiting = promise.unvoid();
            }
            return;
        }
        ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
    }

    /** The flushed data is sent (or the send failed): the waiting shutdown goes ahead. */
    private void shutdownWaitingOutput() {
        ChannelPromise promise = outputShutdownWaiting;
        if (promise != null) {
            outputShutdownWaiting = null;
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        }
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        if (!isActive()) {
            throw new java.nio.channels.NotYetConnectedException();
        }
        // No send is in flight here: shutdownOutput() waits for it, and Netty's own call (after
        // a failed write) comes when the send has completed; the outbound buffer fails, and so
        // releases, the flushed messages right after this.
        socket.shutdown(ShutdownMode.OUTPUT);
        outputShutdown = true;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        if (output.isDone()) {
            shutdownInputAfterOutput(output, promise);
        } else {
            output.addListener((ChannelFutureListener) f -> shutdownInputAfterOutput(f, promise));
        }
        return promise;
    }

    private void shutdownInputAfterOutput(ChannelFuture output, ChannelPromise promise) {
        ChannelFuture input = shutdownInput();
        input.addListener((ChannelFutureListener) f -> {
            Throwable cause = output.cause() != null ? output.cause() : f.cause();
            if (cause != null) {
                promise.setFailure(cause);
            } else {
                promise.setSuccess();
            }
        });
    }

    // ---- writes ---------------------------------------------------------------------------

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        // A deregistered channel cannot submit: what it was asked to write waits in the outbound
        // buffer, which its close fails.
        if (writeId == 0 && registration != null && registration.isValid()) {
            socketUnsafe().scheduleWrite(in);
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) throws ChannelOutputShutdownException {
        if (outputShutdownWaiting != null) {
            throw new ChannelOutputShutdownException("output shutdown requested; no more writes");
        }
        if (msg instanceof ByteBuf buf) {
            // A send takes 1 to MAX_GATHERED_BUFFERS segments per buffer; a composite of more is
            // copied, as Netty's epoll and io_uring channels copy one of more than IOV_MAX parts
            // (and so is a buffer that has no NIO form at all, nioBufferCount() -1).
            int parts = buf.nioBufferCount();
            return buf.isDirect() && parts >= 1 && parts <= SubmissionChecks.MAX_GATHERED_BUFFERS ? buf : toDirect(buf);
        }
        if (msg instanceof FileRegion || sendsDescriptor(msg)) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected ByteBuf or FileRegion)");
    }

    /**
     * Whether {@code msg} is a descriptor this channel sends ({@link DescriptorSender}): only a
     * Unix-domain channel's are; it throws where its port cannot send them.
     */
    boolean sendsDescriptor(Object msg) {
        return false;
    }

    /**
     * The kernel is handed addresses, so heap memory is copied to direct memory first (and a
     * composite of too many parts into one buffer).
     */
    private ByteBuf toDirect(ByteBuf buf) {
        int readable = buf.readableBytes();
        ByteBuf direct = alloc().directBuffer(readable);
        direct.writeBytes(buf, buf.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(buf);
        return direct;
    }

    // ---- operations in flight -------------------------------------------------------------

    @Override
    void cancelInFlight() {
        if (registration == null || !socket.isOpen()) {
            return;
        }
        cancelReads();
        if (writeId != 0) {
            registration.submitCancel(writeId);
        }
        if (connectId != 0) {
            registration.submitCancel(connectId);
        }
    }

    @Override
    boolean hasInFlight() {
        return readId != 0 || writeId != 0 || connectId != 0;
    }

    private final class SocketUnsafe extends StreamInputUnsafe {

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not marked uncancellable: a pending connect can be cancelled (it closes the channel).
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                if (active) {
                    throw new AlreadyConnectedException();
                }
                SocketAddress target = portAddress(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                connectId = registration.submitConnect(target);
                requestedRemote = target;
                connectPromise = promise;
                int timeoutMillis = config().getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise pending = connectPromise;
                        if (pending != null && pending.tryFailure(
                                new ConnectTimeoutException("connection timed out after " + timeoutMillis + " ms: " + target))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) f -> {
                    if (f.isCancelled()) {
                        cancelConnectTimeout();
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        @Override
        void connectComplete(int result) {
            connectId = 0;
            cancelConnectTimeout();
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (promise == null) {
                return; // timed out or cancelled; the close is under way
            }
            if (!registration.isValid()) {
                // Deregistered while connecting: no channelActive after channelUnregistered.
                promise.tryFailure(new ClosedChannelException());
                return;
            }
            if (result < 0) {
                promise.tryFailure(connectFailure(result, requestedRemote));
                closeIfClosed();
                return;
            }
            boolean wasActive = isActive();
            active = true;
            try {
                remote = socket.remoteAddress();
                local = socket.localAddress();
            } catch (IOException e) {
                remote = requestedRemote;
            }
            // Read before the promise is completed: a listener may close the channel, and the
            // pipeline must still see channelActive before channelInactive.
            boolean nowActive = isActive();
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (readPending && !config().isAutoRead()) {
                // read() was called before the connection was up; it is served now (with
                // auto-read, channelActive has just asked for a read anyway).
                scheduleRead();
            }
            if (!promiseSet) {
                close(voidPromise());
            } else {
                watchPeerClosure(); // a connection that does not read at once
            }
        }

        private void cancelConnectTimeout() {
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
        }

        @Override
        void beforeClose() {
            if (!inReadComplete) {
                // channelReadComplete before channelInactive; inside a read completion the batch
                // ends right after the channelRead that closed.
                endBatchEarly();
            }
            ChannelPromise promise = connectPromise;
            if (promise != null) {
                promise.tryFailure(new ClosedChannelException());
                connectPromise = null;
            }
            cancelConnectTimeout();
        }

        // ---- writes ---------------------------------------------------------------------

        void scheduleWrite(ChannelOutboundBuffer in) {
            while (writeId == 0 && !removingSent && !closing && !in.isEmpty()) {
                Object msg = in.current();
                if (msg instanceof ByteBuf buf) {
                    if (!buf.isReadable()) {
                        in.remove();
                        continue;
                    }
                    writeId = bufferSender.send(in, registration, sendZeroCopyThreshold());
                } else if (msg instanceof FileRegion region) {
                    if (fileRegions == null) {
                        fileRegions = new FileRegionSender();
                    }
                    writeId = fileRegions.sendNext(region, in, registration, config().getAllocator());
                } else if (msg instanceof FileDescriptor descriptor) {
                    writeId = DescriptorSender.send(descriptor, in, registration);
                } else {
                    in.remove(new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()));
                }
            }
        }

        @Override
        void writeComplete(int result, int flags, long operationId) {
            if (operationId != writeId) {
                // The last completion of a zero-copy send whose result came before.
                bufferSender.released(operationId);
                return;
            }
            if ((flags & CompletionFlags.MORE) == 0) {
                bufferSender.released(operationId); // no later completion: the memory is free now
            }
            writeComplete0(result);
            reportEndAfterSend(result);
        }

        private void writeComplete0(int result) {
            writeId = 0;
            ChannelOutboundBuffer in = outboundBuffer();
            if (in == null || !isOpen() || !registration.isValid() || (isCancelled(result) && closing)) {
                // Closed (also forcibly) or deregistered: the close settles the outbound buffer,
                // and nothing more reaches the pipeline or the socket from here.
                if (!isOpen()) {
                    releaseFileRegion(); // the close left its chunk to this send, which read from it
                }
                return;
            }
            if (result < 0 && fileRegions != null && fileRegions.copyInstead(result)) {
                result = 0; // nothing sent: the port cannot send from this region's file, which goes on copied
            } else if (result < 0) {
                IOException cause = failure(fileRegions != null && fileRegions.sendingFromFile() ? "sendfile" : "send",
                        result);
                releaseFileRegion();
                ChannelPromise shutdown = outputShutdownWaiting;
                if (shutdown != null) {
                    // The data it waited for was not sent: it fails with the send's error, and
                    // no shutdown(2) happens in the middle of the close the error brings.
                    outputShutdownWaiting = null;
                    shutdown.tryFailure(cause);
                }
                handleWriteError(cause);
                return;
            }
            Object sent = in.current();
            if (sent instanceof FileRegion region) {
                // Progress listeners may flush: as below, the flush0 after this sends what they wrote.
                removingSent = true;
                try {
                    fileRegions.sent(region, result, in);
                } finally {
                    removingSent = false;
                }
            } else if (sent instanceof FileDescriptor) {
                in.remove(); // sent whole, with its one byte; the write's listeners may write (flush0 below sends it)
            } else {
                // Before removeBytes, which fires write promises and channelWritabilityChanged,
                // whose handlers may write and flush. That flush submits nothing while the
                // removal is under way: OutboundSegments reads each message's readerIndex,
                // and the messages after the one being removed still count bytes sent by this
                // send. The flush0 below sends what they wrote.
                bufferSender.sent(result);
                removingSent = true;
                try {
                    in.removeBytes(result);
                } finally {
                    removingSent = false;
                }
            }
            flush0();
            if (writeId == 0 && !closing) {
                shutdownWaitingOutput();
                if (closeWhenFlushed) {
                    close(voidPromise());
                }
            }
        }

        /**
         * No completion comes any more. Normally each zero-copy send has had its last completion
         * by now. When the loop was destroyed before they came, the kernel may still read their
         * memory: it is abandoned (a leak, logged) rather than handed back to the allocator, which
         * would give it to another connection while the kernel could still send it.
         */
        @Override
        public void unregistered() {
            if (registration != null && registration.inFlight() > 0) {
                int dropped = bufferSender.abandonAll();
                if (dropped > 0) {
                    logger.warn("{}: {} buffers of zero-copy sends the kernel never reported done are not released",
                            AbstractIocpStreamChannel.this, dropped);
                }
            } else {
                bufferSender.releaseAll();
            }
            super.unregistered();
        }

        @Override
        boolean hasPendingWrites() {
            ChannelOutboundBuffer in = outboundBuffer();
            return isActive() && (writeId != 0 || (in != null && !in.isEmpty()));
        }
    }

    /** Lets go of what the file region being sent holds (its chunk, its file), if one was ever sent. */
    private void releaseFileRegion() {
        if (fileRegions != null) {
            fileRegions.release();
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            ChannelPromise shutdown = outputShutdownWaiting;
            if (shutdown != null) {
                outputShutdownWaiting = null;
                shutdown.tryFailure(new ClosedChannelException());
            }
            // A send in flight may still read the file chunk (closeForcibly does not wait for
            // it): then its completion releases the chunk.
            if (writeId == 0) {
                releaseFileRegion();
            }
            releaseInput();
        }
    }

    /**
     * A failed connect as the {@link java.net.ConnectException} Netty users catch (NIO throws
     * one), carrying our message, which names the operation, address and error.
     */
    static java.net.ConnectException connectFailure(int result, SocketAddress address) {
        dev.iocp.port.PortException cause = dev.iocp.port.PortException.of("connect", address, result);
        java.net.ConnectException e = new java.net.ConnectException(cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
