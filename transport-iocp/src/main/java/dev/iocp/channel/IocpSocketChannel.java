package dev.iocp.channel;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.SubmissionChecks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.PromiseNotifier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * A TCP connection on a completion port: the drop-in replacement for {@code NioSocketChannel}.
 *
 * <p>Reads are receive operations into buffers from the channel's {@link RecvByteBufAllocator};
 * one is in flight at a time, and a read batch continues while the allocator wants more and the
 * kernel says more is queued. Writes are sends straight from the {@link ChannelOutboundBuffer}
 * ({@link ByteBufSender}), one in flight at a time; its completion removes what was sent and
 * sends the rest.
 */
public class IocpSocketChannel extends AbstractIocpChannel implements SocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final int MAX_READ_FAILURES_IN_A_ROW = 16;

    private final IocpSocketChannelConfig config;
    private ByteBuf readBuffer;
    private long writeId;
    /**
     * A send's completion is removing the bytes sent from the outbound buffer. Removal goes
     * message by message, firing write promises and channelWritabilityChanged as it goes, and
     * until it ends the messages after the one removed still have sent bytes readable: a write
     * and flush made from there submits nothing (the completion's own flush0 sends it after).
     */
    private boolean removingSent;
    private long connectId;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private InetSocketAddress requestedRemote;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;
    private boolean inputClosedSeenErrorOnRead;
    /** File data read into memory, being sent for the FileRegion at the head of the buffer. */
    private final FileRegionChunk fileChunk = new FileRegionChunk();
    private final ByteBufSender bufferSender = new ByteBufSender();
    /** A shutdownOutput() waiting for the send of what was flushed before it. */
    private ChannelPromise outputShutdownWaiting;

    /** A new, unconnected IPv6 (dual-stack) socket, as {@code new NioSocketChannel()} opens. */
    public IocpSocketChannel() {
        this(StandardProtocolFamily.INET6);
    }

    /** A new, unconnected socket of the given family. */
    public IocpSocketChannel(ProtocolFamily family) {
        this(openSocket(family));
    }

    /** A socket not yet connected. */
    private IocpSocketChannel(PortSocket socket) {
        super(null, socket, false);
        this.config = new IocpSocketChannelConfig(this, socket);
    }

    /**
     * An accepted connection: active from the start, even if the peer has reset it already —
     * its first receive then reports that and closes it, so no accepted socket is left behind.
     */
    IocpSocketChannel(Channel parent, PortSocket accepted) {
        super(parent, accepted, true);
        this.config = new IocpSocketChannelConfig(this, accepted);
        this.remote = addressOrNull(accepted, true);
        this.local = addressOrNull(accepted, false);
    }

    private static InetSocketAddress addressOrNull(PortSocket socket, boolean remote) {
        try {
            return remote ? socket.remoteAddress() : socket.localAddress();
        } catch (IOException e) {
            return null; // the connection is already gone; the first receive will say so
        }
    }

    static PortSocket openSocket(ProtocolFamily family) {
        try {
            return Iocp.backend().openSocket(family);
        } catch (IOException e) {
            throw new io.netty.channel.ChannelException("failed to open a socket", e);
        }
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public IocpSocketChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected AbstractIocpUnsafe newUnsafe() {
        return new SocketUnsafe();
    }

    private SocketUnsafe socketUnsafe() {
        return (SocketUnsafe) unsafe();
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

    // ---- reads ----------------------------------------------------------------------------

    @Override
    protected void doBeginRead() {
        if (inputClosedSeenErrorOnRead) {
            return;
        }
        readPending = true;
        // Inside a read completion the batch under way decides what comes next (and a read()
        // made there is satisfied by it, as in NIO's read loop).
        if (isActive() && !socketUnsafe().inReadComplete) {
            socketUnsafe().scheduleRead(true);
        }
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
        if (msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected ByteBuf or FileRegion)");
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

    // ---- connect --------------------------------------------------------------------------

    @Override
    protected void doDeregister() {
        // channelReadComplete before channelUnregistered: the cancelled receive's completion
        // would otherwise end the batch after it.
        socketUnsafe().endBatchEarly();
        super.doDeregister();
    }

    @Override
    void cancelInFlight() {
        if (registration == null || !socket.isOpen()) {
            return;
        }
        if (readId != 0) {
            registration.submitCancel(readId);
        }
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

    private final class SocketUnsafe extends AbstractIocpUnsafe {
        /** Whether a read batch (one RecvByteBufAllocator round) is under way. */
        private boolean inBatch;
        /** Whether the batch under way delivered anything (so it owes a channelReadComplete). */
        private boolean readInBatch;
        /** Whether a receive completion is being handled. */
        boolean inReadComplete;
        /**
         * Transport failures while reading since the last receive that delivered data: NIO
         * retries only while the socket is readable, a completion transport would retry for
         * ever, so a failure that repeats ends the input.
         */
        private int readFailuresInARow;

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
                InetSocketAddress target = checkInet(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                connectId = registration.submitConnect(target);
                requestedRemote = target;
                connectPromise = promise;
                int timeoutMillis = config.getConnectTimeoutMillis();
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
            if (readPending && !config.isAutoRead()) {
                // read() was called before the connection was up; it is served now (with
                // auto-read, channelActive has just asked for a read anyway).
                scheduleRead(true);
            }
            if (!promiseSet) {
                close(voidPromise());
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

        // ---- reads ----------------------------------------------------------------------

        /** Submits a receive unless one is in flight; {@code newBatch} starts a new allocator round. */
        void scheduleRead(boolean newBatch) {
            if (readId != 0 || closing || inputClosedSeenErrorOnRead || !isActive() || registration == null
                    || !registration.isValid()) {
                return;
            }
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            if (newBatch || !inBatch) {
                handle.reset(config);
                inBatch = true;
                readInBatch = false;
            }
            ByteBuf buffer = handle.allocate(config.getAllocator());
            if (!buffer.isDirect() || buffer.nioBufferCount() != 1 || buffer.isReadOnly()) {
                int capacity = buffer.capacity();
                buffer.release();
                buffer = config.getAllocator().directBuffer(capacity);
            }
            handle.attemptedBytesRead(buffer.writableBytes());
            readBuffer = buffer;
            readId = registration.submitReceive(buffer.internalNioBuffer(buffer.writerIndex(), buffer.writableBytes()));
        }

        @Override
        void readComplete(int result, int flags) {
            inReadComplete = true;
            try {
                receiveComplete(result, flags);
            } catch (Throwable t) {
                // Not a handler's exception (the pipeline routes those): the transport's own read
                // machinery failed, e.g. the allocator threw, and no receive is in flight.
                readFailed(t);
            } finally {
                inReadComplete = false;
            }
        }

        private void receiveComplete(int result, int flags) {
            ByteBuf buffer = readBuffer;
            readBuffer = null;
            readId = 0;
            if (!registration.isValid() || closing) {
                // Closing or deregistered: as with NIO nothing is read after close() or
                // deregister() (a receive that completed with data before its cancellation took
                // effect included: an Iocp channel cannot be registered again to deliver it).
                buffer.release();
                inBatch = false;
                readInBatch = false;
                return;
            }
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            if (isCancelled(result)) {
                buffer.release();
                if (readInBatch) {
                    endBatch(handle, pipeline);
                }
                inBatch = false;
                // A read() that came in while the cancellation was on its way still wants data.
                if ((config.isAutoRead() || readPending) && isActive()) {
                    scheduleRead(true);
                }
                return;
            }
            if (result < 0) {
                buffer.release();
                endBatch(handle, pipeline);
                pipeline.fireExceptionCaught(failure("receive", result));
                shutdownInputAfterRead(true);
                return;
            }
            if (result == 0) {
                buffer.release();
                handle.lastBytesRead(-1);
                readPending = false;
                endBatch(handle, pipeline);
                shutdownInputAfterRead(true);
                return;
            }
            readFailuresInARow = 0;
            buffer.writerIndex(buffer.writerIndex() + result);
            handle.lastBytesRead(result);
            handle.incMessagesRead(1);
            readPending = false;
            readInBatch = true;
            pipeline.fireChannelRead(buffer);
            if (handle.continueReading() && (flags & CompletionFlags.INPUT_PENDING) != 0) {
                scheduleRead(false);
                if (readId != 0) {
                    return; // the batch goes on; its channelReadComplete comes at its end
                }
            }
            // Also when channelRead closed or deregistered the channel: every channelRead is
            // followed by a channelReadComplete.
            endBatch(handle, pipeline);
            if (config.isAutoRead() || readPending) {
                scheduleRead(true);
            }
        }

        /**
         * As NIO's {@code handleReadException}: the batch ends, the failure is reported, and an
         * IOException or OutOfMemoryError ends the input (closing the channel, or half-closing it
         * where allowed); after anything else the channel reads on, as NIO tries again at the
         * next readiness.
         */
        private void readFailed(Throwable cause) {
            if (readBuffer != null && readId == 0) {
                readBuffer.release();
                readBuffer = null;
            }
            ChannelPipeline pipeline = pipeline();
            if (inBatch) {
                endBatch(recvBufAllocHandle(), pipeline);
            }
            pipeline.fireExceptionCaught(cause);
            if (cause instanceof IOException || cause instanceof OutOfMemoryError
                    || ++readFailuresInARow >= MAX_READ_FAILURES_IN_A_ROW) {
                shutdownInputAfterRead(false);
            } else if (config.isAutoRead() || readPending) {
                // On a later turn of the loop, so an allocator that keeps failing cannot recurse.
                eventLoop().execute(this::retryRead);
            }
        }

        private void retryRead() {
            try {
                scheduleRead(true);
            } catch (Throwable t) {
                readFailed(t);
            }
        }

        /** Ends the read batch under way, if it delivered anything; before a close or deregistration. */
        void endBatchEarly() {
            if (readInBatch) {
                endBatch(recvBufAllocHandle(), pipeline());
            }
        }

        private void endBatch(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline) {
            inBatch = false;
            readInBatch = false;
            handle.readComplete();
            pipeline.fireChannelReadComplete();
        }

        /** The peer finished sending (or receiving failed): half-close or close, as configured. */
        private void shutdownInputAfterRead(boolean allDataRead) {
            if (closing || !isOpen()) {
                return; // a handler closed the channel while the end of input was reported
            }
            if (!inputShutdown) {
                if (config.isAllowHalfClosure()) {
                    try {
                        socket.shutdown(ShutdownMode.INPUT);
                    } catch (IOException ignored) {
                        // already effectively shut down
                    }
                    inputShutdown = true;
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    inputClosedSeenErrorOnRead = true;
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead && !closing && isOpen()) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
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
                    writeId = bufferSender.send(in, registration, config.getSendZeroCopyThreshold());
                } else if (msg instanceof FileRegion region) {
                    ByteBuffer[] part;
                    try {
                        part = fileChunk.next(region, config.getAllocator());
                    } catch (IOException e) {
                        fileChunk.release();
                        in.remove(e);
                        continue;
                    }
                    if (part == null) {
                        fileChunk.release();
                        in.remove(); // sent whole
                        continue;
                    }
                    writeId = registration.submitSend(part, 0, 1);
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
            writeId = 0;
            ChannelOutboundBuffer in = outboundBuffer();
            if (in == null || !isOpen() || !registration.isValid() || (isCancelled(result) && closing)) {
                // Closed (also forcibly) or deregistered: the close settles the outbound buffer,
                // and nothing more reaches the pipeline or the socket from here.
                if (!isOpen()) {
                    fileChunk.release(); // the close left it to this send, which read from it
                }
                return;
            }
            if (result < 0) {
                fileChunk.release();
                IOException cause = failure("send", result);
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
            if (in.current() instanceof FileRegion) {
                fileChunk.sent(result);
                in.progress(result);
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

        /** No completion comes any more: what zero-copy sends still held is let go. */
        @Override
        public void unregistered() {
            bufferSender.releaseAll();
            super.unregistered();
        }

        @Override
        boolean hasPendingWrites() {
            ChannelOutboundBuffer in = outboundBuffer();
            return isActive() && (writeId != 0 || (in != null && !in.isEmpty()));
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
                fileChunk.release();
            }
        }
    }

    /**
     * A failed connect as the {@link java.net.ConnectException} Netty users catch (NIO throws
     * one), carrying our message, which names the operation, address and error.
     */
    static java.net.ConnectException connectFailure(int result, InetSocketAddress address) {
        dev.iocp.port.PortException cause = dev.iocp.port.PortException.of("connect", address, result);
        java.net.ConnectException e = new java.net.ConnectException(cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
