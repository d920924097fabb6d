package dev.iocp.channel;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannelConfig;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The input side of a stream channel ({@link AbstractIocpStreamChannel}): reads from one armed
 * stream receive, input held while the channel is not reading, delivery in read batches, the end
 * of input and its half-closure, and the peer-closure watch.
 *
 * <p>A layer of the class hierarchy rather than a helper object, so that it adds no object and no
 * field per connection (live heap per idle connection is a tracked figure) and no indirection on
 * the receive path; {@link AbstractIocpStreamChannel} adds connect, writes and output shutdown on
 * top, and its unsafe extends {@link StreamInputUnsafe}.
 */
abstract class AbstractIocpStreamInputChannel extends AbstractIocpChannel {
    private static final int MAX_READ_FAILURES_IN_A_ROW = 16;
    /**
     * Arrivals of at least this many bytes are handed on as slices of the port's buffer; smaller
     * ones are copied into a buffer of their own size (as cheap as slicing them), so that a
     * handler keeping a few bytes (a decoder's partial frame) does not keep a shared 64 KiB buffer.
     */
    static final int SLICE_FROM = 2048;

    private static final int NO_END = 1;
    /** Whether the stream receive was cancelled to stop data arriving; its final completion is due. */
    private boolean streamStopping;
    /** Data that arrived while the channel was not reading: the next read() delivers it. Null until some does. */
    private HeldInput heldInput;
    /** The end of the stream (0 or -errno) that came while not reading, or {@link #NO_END}. */
    private int heldEnd = NO_END;
    private boolean heldDeliveryScheduled;
    /** The end of the stream that waits for the send in flight ({@link EndAfterSend}), or null. */
    private EndAfterSend endAfterSend;
    /** Set by shutdownInput(), and by the end of input where half-closure is allowed. */
    volatile boolean inputShutdown;
    private boolean inputClosedSeenErrorOnRead;
    /** Notices the peer's FIN or reset while not reading; made when first needed (never with auto-read on). */
    private PeerClosureWatch peerClosure;

    AbstractIocpStreamInputChannel(Channel parent, PortSocket socket, boolean active) {
        super(parent, socket, active);
    }

    @Override
    public abstract DuplexChannelConfig config();

    /**
     * Whether a send is in flight: an end of the stream that closes the channel waits for it
     * (see {@link EndAfterSend}).
     */
    abstract boolean sendInFlight();

    /** A Unix-domain channel's reads of descriptors, once its read mode has been set to them; else null. */
    DescriptorReads descriptorReads() {
        return null;
    }

    private StreamInputUnsafe streamUnsafe() {
        return (StreamInputUnsafe) unsafe();
    }

    // ---- reads ----------------------------------------------------------------------------

    @Override
    protected void doBeginRead() {
        if (inputClosedSeenErrorOnRead) {
            return;
        }
        readPending = true;
        // Inside a read completion the stream is armed already, or the completion decides (a
        // cancelled stream is re-armed for it).
        if (isActive() && !streamUnsafe().inReadComplete) {
            streamUnsafe().scheduleRead();
        }
    }

    /**
     * Auto-read was switched off. The stream receive stays armed: should data arrive before the
     * next read(), it is held and the stream stopped then, so a read() that comes first (as in a
     * request-response exchange) costs no cancellation and no re-arm.
     */
    @Override
    void autoReadCleared() {
        if (!isRegistered() || eventLoop().inEventLoop()) {
            readPending = false;
        } else {
            eventLoop().execute(() -> readPending = false);
        }
    }

    @Override
    protected void doDeregister() {
        // channelReadComplete before channelUnregistered: the cancelled receive's completion
        // would otherwise end the batch after it.
        streamUnsafe().endBatchEarly();
        super.doDeregister();
    }

    @Override
    void afterRegistration() {
        if (isActive()) {
            streamUnsafe().watchPeerClosure(); // an accepted channel that does not read at once
        }
    }

    /** Cancels the read side's operations in flight: the peer-closure watch and the stream receive. */
    void cancelReads() {
        if (peerClosure != null && peerClosure.id() != 0) {
            registration.submitCancel(peerClosure.id());
        }
        if (readId != 0) {
            registration.submitCancel(readId);
        }
    }

    /** At the close: what was held for a read() is released, and an end waiting for a send is dropped. */
    void releaseInput() {
        if (heldInput != null) {
            heldInput.release();
        }
        endAfterSend = null;
    }

    /** The unsafe's read side; {@code AbstractIocpStreamChannel}'s unsafe adds connect and writes. */
    abstract class StreamInputUnsafe extends AbstractIocpUnsafe {
        /** Whether a read batch (one RecvByteBufAllocator round) is under way. */
        private boolean inBatch;
        /** Whether the batch under way delivered anything (so it owes a channelReadComplete). */
        private boolean readInBatch;
        /** Whether a receive completion is being handled. */
        boolean inReadComplete;
        /** Whether the loop will call {@link #completionBatchEnded()} at the end of its batch. */
        private boolean batchEndRequested;
        /**
         * Transport failures while reading since the last receive that delivered data: NIO
         * retries only while the socket is readable, a completion transport would retry for
         * ever, so a failure that repeats ends the input.
         */
        private int readFailuresInARow;

        // ---- reads ----------------------------------------------------------------------
        //
        // One stream receive stays armed while the channel reads, and the port picks the memory
        // each arrival lands in, so an idle connection holds no receive buffer. Where the port's
        // buffers come from this channel's ByteBufAllocator and the channel keeps Netty's default
        // RecvByteBufAllocator, an arrival is handed to the pipeline as it is: a slice of the
        // buffer it landed in, no copy. Otherwise it is copied into buffers from the channel's
        // RecvByteBufAllocator, sized as that says. When reading stops (auto-read off and no
        // read() pending) the stream is left armed; only data that arrives before the next read()
        // stops it (a cancel), and that data is held for the next read().

        /** Arms the stream receive if the channel should read and none is armed; delivers held input first. */
        void scheduleRead() {
            if (closing || inputClosedSeenErrorOnRead || !isActive() || registration == null
                    || !registration.isValid()) {
                return;
            }
            if (endAfterSend != null) {
                return; // the input has ended; that is reported once what was flushed has been sent
            }
            if (hasHeldInput() || heldEnd != NO_END) {
                if (!heldDeliveryScheduled) {
                    heldDeliveryScheduled = true;
                    eventLoop().execute(this::deliverHeld); // not from inside read(), as NIO reads on its next turn
                }
                return;
            }
            if (readId == 0) {
                DescriptorReads descriptors = descriptorReads();
                if (descriptors != null && descriptors.readsNow()) {
                    readId = descriptors.submitReceive(registration); // single shots, re-armed as they complete
                    return;
                }
                registration.offerReceiveAllocator(config().getAllocator()); // the port's first stream picks its source
                readId = registration.submitReceiveStream();
                streamStopping = false;
            }
        }

        /**
         * Whether arrivals are handed on as they landed: the port's buffers are this channel's
         * allocator's, and the channel keeps Netty's default receive allocator, whose sizes are
         * guesses; one the user chose (Fixed, their own) sizes the buffers it fills. Asked per
         * arrival, so a change of either option applies from the next.
         */
        private boolean takesArrivals() {
            return config().getRecvByteBufAllocator().getClass() == AdaptiveRecvByteBufAllocator.class
                    && registration.receivesWithoutCopy(config().getAllocator());
        }

        private boolean hasHeldInput() {
            return heldInput != null && !heldInput.isEmpty();
        }

        /** Whether arrivals go to the pipeline now: asked for, or the peer has closed (see {@link PeerClosureWatch}). */
        boolean wantsData() {
            return config().isAutoRead() || readPending || peerClosed();
        }

        private boolean peerClosed() {
            return peerClosure != null && peerClosure.peerClosed();
        }

        /**
         * As the native transports' handles once they have seen RDHUP: the read batch goes on
         * whatever the allocator says until the input is drained, so what is left arrives in one
         * batch and its channelReadComplete comes with the end.
         */
        private boolean continueReading(RecvByteBufAllocator.Handle handle) {
            return handle.continueReading() || peerClosed();
        }

        private PeerClosureWatch peerClosure() {
            PeerClosureWatch watch = peerClosure;
            if (watch == null) {
                watch = peerClosure = new PeerClosureWatch();
            }
            return watch;
        }

        /**
         * Arms the peer-closure watch where nothing else would notice the peer's FIN or reset: the
         * channel is active, has no stream receive and does not want data (see {@link PeerClosureWatch}).
         */
        void watchPeerClosure() {
            if (readId != 0 || wantsData() || closing || inputShutDownForGood() || !isActive()
                    || registration == null || !registration.isValid() || !registration.watchesPeerClosure()
                    || heldEnd != NO_END || endAfterSend != null) {
                return;
            }
            peerClosure().arm(registration);
        }

        /** As epoll on EPOLLRDHUP: the peer has closed or reset, so what is left is read, then the end. */
        @Override
        void peerClosureWatchComplete(int result) {
            if (peerClosure.completed(result) && !closing && registration.isValid() && !inputShutDownForGood()) {
                scheduleRead(); // held input first
            }
        }

        /**
         * The input was shut down, and nothing more is to be read from it: its end was reported,
         * or this side shut it down without half-closure (the watch fires then too, and epoll's
         * {@code shouldBreakEpollInReady} reads nothing in that case either).
         */
        private boolean inputShutDownForGood() {
            return inputClosedSeenErrorOnRead || (inputShutdown && !config().isAllowHalfClosure());
        }

        @Override
        void readComplete(int result, int flags) {
            inReadComplete = true;
            try {
                receiveComplete(result, flags);
            } catch (Throwable t) {
                // Not a handler's exception (the pipeline routes those): the transport's own read
                // machinery failed, e.g. the allocator threw.
                readFailed(t);
            } finally {
                inReadComplete = false;
            }
        }

        private void receiveComplete(int result, int flags) {
            DescriptorReads descriptors = descriptorReads();
            if (descriptors != null && descriptors.receiving()) {
                descriptors.received(this, result, flags); // the read armed was a descriptor receive
                return;
            }
            boolean more = (flags & CompletionFlags.MORE) != 0;
            if (!more) {
                readId = 0; // the stream has ended
                streamStopping = false;
            }
            if (!registration.isValid() || closing) {
                // Closing or deregistered: as with NIO nothing is read after close() or
                // deregister() (data that arrived before the cancellation took effect included:
                // an Iocp channel cannot be registered again to deliver it).
                inBatch = false;
                readInBatch = false;
                return;
            }
            if (more) {
                boolean holding = !wantsData() || hasHeldInput();
                ByteBuf taken = takesArrivals() ? takeArrival(result) : null;
                if (taken != null) {
                    if (holding) {
                        hold(taken);
                    } else {
                        deliver(taken, flags);
                    }
                } else if (holding) {
                    hold(registration.receivedBytes());
                } else {
                    deliver(registration.receivedBytes(), flags);
                }
                if (holding && !peerClosed()) {
                    stopStream(); // (once the peer has closed, what is left comes in behind what is held)
                }
                return;
            }
            readEnded(result);
        }

        /** The read armed ended without data: stopped (cancelled), or with the end of input (0) or an error. */
        void readEnded(int result) {
            if (isCancelled(result)) {
                // Stopped for back-pressure (or by a deregistration or a read mode change under
                // way): a read() that came in since wants the stream again.
                endBatchEarly();
                if (wantsData()) {
                    scheduleRead();
                } else {
                    watchPeerClosure(); // no stream sees the end while input is held: the watch does
                }
                return;
            }
            if (!wantsData()) {
                if (!registration.watchesPeerClosure() || inputShutDownForGood()) {
                    heldEnd = result; // the end of input is reported to the read() that reaches it, as NIO finds it
                    return;
                }
                peerClosure().endArrived(); // as the watch would have: reported now, after what is held
            }
            if (hasHeldInput()) {
                heldEnd = result; // after the input held before it
                scheduleRead();
                return;
            }
            inputEnded(result);
        }

        /**
         * The arrival being handled as a buffer of this channel's: a slice of the port's buffer,
         * or, for a small one, a copy its own size; null when the port cannot hand it on (it is in
         * the port's own memory), and the caller copies it as for any channel.
         */
        private ByteBuf takeArrival(int size) {
            if (size >= SLICE_FROM) {
                return registration.takeReceived();
            }
            ByteBuffer bytes = registration.receivedBytes();
            ByteBuf copy;
            try {
                copy = config().getAllocator().ioBuffer(size);
            } catch (Throwable t) {
                holdAfterFailure(bytes, t); // what was received is not lost: the next read delivers it
                throw t;
            }
            copy.writeBytes(bytes);
            return copy;
        }

        /** Hands {@code bytes} to the pipeline in buffers from the RecvByteBufAllocator. */
        private void deliver(ByteBuffer bytes, int flags) {
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            startBatch(handle);
            while (bytes.hasRemaining()) {
                ByteBuf buffer;
                try {
                    buffer = handle.allocate(config().getAllocator());
                } catch (Throwable t) {
                    holdAfterFailure(bytes, t); // what was received is not lost: the next read delivers it
                    throw t;
                }
                int n = Math.min(buffer.writableBytes(), bytes.remaining());
                if (n == 0) {
                    buffer.release();
                    IllegalStateException full = new IllegalStateException(
                            "the RecvByteBufAllocator returned a buffer with no room: " + buffer);
                    holdAfterFailure(bytes, full);
                    throw full;
                }
                int limit = bytes.limit();
                bytes.limit(bytes.position() + n);
                buffer.writeBytes(bytes);
                bytes.limit(limit);
                handle.attemptedBytesRead(n + buffer.writableBytes());
                fireRead(handle, pipeline, buffer);
                if (closing || !registration.isValid()) {
                    endBatch(handle, pipeline); // the rest is dropped, as after close() in NIO's loop
                    return;
                }
                if (bytes.hasRemaining() && !continueReading(handle)) {
                    // Where NIO's read loop stops and leaves the rest in the socket: the batch ends,
                    // and the rest goes on at once in a new one if the channel still reads, or
                    // waits for the next read().
                    endBatch(handle, pipeline);
                    if (closing || !registration.isValid()) {
                        return; // closed or deregistered from channelReadComplete: nothing more is read
                    }
                    if (!wantsData()) {
                        hold(bytes);
                        return;
                    }
                    startBatch(handle);
                }
            }
            arrivalDelivered(handle, pipeline, flags);
        }

        /** Hands an arrival the port gave as {@code buffer} (now this channel's) to the pipeline, as it is. */
        private void deliver(ByteBuf buffer, int flags) {
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            startBatch(handle);
            // As full as a read can be: the arrival is all the port's buffer had room for or all
            // there was; INPUT_PENDING tells which, below.
            handle.attemptedBytesRead(buffer.readableBytes());
            fireRead(handle, pipeline, buffer);
            if (closing || !registration.isValid()) {
                endBatch(handle, pipeline); // the rest is dropped, as after close() in NIO's loop
                return;
            }
            arrivalDelivered(handle, pipeline, flags);
        }

        private void fireRead(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline, ByteBuf buffer) {
            handle.lastBytesRead(buffer.readableBytes());
            fireMessage(handle, pipeline, buffer);
        }

        /** Hands one message read to the pipeline, counted as one for the RecvByteBufAllocator. */
        void fireMessage(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline, Object message) {
            handle.incMessagesRead(1);
            readFailuresInARow = 0;
            readPending = false;
            readInBatch = true;
            pipeline.fireChannelRead(message);
        }

        /**
         * An arrival has been delivered: the batch ends unless the kernel has more queued and the
         * allocator wants more, or the peer has closed (the end of input ends it then), in which
         * case it ends at the latest with the loop's batch of completions.
         */
        void arrivalDelivered(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline, int flags) {
            if (!peerClosed() && ((flags & CompletionFlags.INPUT_PENDING) == 0 || !handle.continueReading())) {
                endBatch(handle, pipeline);
            } else if (!batchEndRequested) {
                batchEndRequested = true; // channelReadComplete at the latest when the loop's batch ends
                registration.endBatchLater(this);
            }
        }

        void startBatch(RecvByteBufAllocator.Handle handle) {
            if (!inBatch) {
                handle.reset(config());
                inBatch = true;
                readInBatch = false;
            }
        }

        /** The loop finished a batch of completions: a read batch still open ends with it. */
        @Override
        public void completionBatchEnded() {
            batchEndRequested = false;
            endBatchEarly();
        }

        /** Keeps what is left of an arrival whose delivery failed; a failure to keep it is added to {@code cause}. */
        private void holdAfterFailure(ByteBuffer bytes, Throwable cause) {
            try {
                hold(bytes);
            } catch (Throwable t) {
                cause.addSuppressed(t); // the bytes are lost with the channel, which the failure ends
            }
        }

        /** Keeps a copy of bytes that arrived while the channel was not reading, for the next read(). */
        private void hold(ByteBuffer bytes) {
            if (closing || !isOpen()) {
                return; // the close has released what was held; nothing is read after it
            }
            heldInput().copy(bytes, config().getAllocator());
        }

        /** Keeps an arrival taken from the port while the channel was not reading, for the next read(). */
        private void hold(ByteBuf buffer) {
            if (closing || !isOpen()) {
                buffer.release(); // the close has released what was held; nothing is read after it
                return;
            }
            heldInput().add(buffer);
        }

        private HeldInput heldInput() {
            HeldInput held = heldInput;
            if (held == null) {
                held = heldInput = new HeldInput();
            }
            return held;
        }

        /** Stops the stream receive: what it delivers until it ends is held. */
        void stopStream() {
            if (readId != 0 && !streamStopping && socket.isOpen()) {
                streamStopping = true;
                registration.submitCancel(readId);
            }
        }

        /** A read() found held input: delivered as a read batch, then the end of input or a new stream. */
        private void deliverHeld() {
            heldDeliveryScheduled = false;
            if (closing || !isActive() || registration == null || !registration.isValid() || !wantsData()) {
                return; // kept for a later read(), or released by the close
            }
            // As a receive completion is handled: a read() from channelRead is served by this
            // batch, and a failure of the transport's own read machinery goes to readFailed.
            inReadComplete = true;
            try {
                deliverHeld0();
            } catch (Throwable t) {
                readFailed(t);
            } finally {
                inReadComplete = false;
            }
        }

        private void deliverHeld0() {
            if (hasHeldInput()) {
                RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
                ChannelPipeline pipeline = pipeline();
                // A channel whose RecvByteBufAllocator sizes its reads gets held input in reads of
                // that size, as slices of what is held (no copy); one that takes arrivals whole
                // gets them whole.
                boolean sized = !takesArrivals();
                startBatch(handle);
                ByteBuf head;
                while ((head = heldInput.peek()) != null) {
                    int readable = head.readableBytes();
                    int size = sized ? Math.max(1, Math.min(readable, handle.guess())) : readable;
                    ByteBuf held = size == readable ? heldInput.poll() : head.readRetainedSlice(size);
                    handle.attemptedBytesRead(sized ? Math.max(size, handle.guess()) : size);
                    fireRead(handle, pipeline, held);
                    if (closing || !registration.isValid()) {
                        endBatch(handle, pipeline);
                        return;
                    }
                    if (!heldInput.isEmpty() && !continueReading(handle)) {
                        // Where NIO's read loop stops: the batch ends, and the rest goes on in a
                        // new one if the channel still reads, or waits for the next read().
                        endBatch(handle, pipeline);
                        if (closing || !registration.isValid() || !wantsData()) {
                            return;
                        }
                        startBatch(handle);
                    }
                }
                endBatch(handle, pipeline);
                if (!wantsData() || closing || !registration.isValid()) {
                    return;
                }
            }
            if (heldEnd != NO_END) {
                int end = heldEnd;
                heldEnd = NO_END;
                inputEnded(end);
                return;
            }
            scheduleRead();
        }

        /** The stream ended with the end of input (0) or an error (-errno). */
        private void inputEnded(int result) {
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            startBatch(handle);
            if (result == 0) {
                handle.lastBytesRead(-1);
                readPending = false;
            }
            endBatch(handle, pipeline); // channelReadComplete: what it flushes goes before the end
            boolean closes = result < 0 || !config().isAllowHalfClosure();
            ChannelOutboundBuffer in = outboundBuffer();
            if (closes && sendInFlight() && in != null && !closing && isOpen() && registration.isValid()) {
                endAfterSend = new EndAfterSend(result, in.totalPendingWriteBytes());
                return;
            }
            reportEnd(result);
        }

        private void reportEnd(int result) {
            if (result < 0) {
                pipeline().fireExceptionCaught(failure("receive", result));
            }
            shutdownInputAfterRead(true);
        }

        /**
         * A send completed ({@code result} bytes sent, or -errno) while the end of the stream
         * waited: the end is reported once what was flushed before it has been sent.
         */
        void reportEndAfterSend(int result) {
            EndAfterSend waiting = endAfterSend;
            if (waiting == null) {
                return;
            }
            if (closing || !isOpen() || !registration.isValid()) {
                endAfterSend = null;
                return; // the send failed (a reset fails both) and its failure closed the channel
            }
            if (waiting.sent(result, sendInFlight())) { // else the rest of it is in flight
                endAfterSend = null;
                reportEnd(waiting.end());
            }
        }

        /**
         * As NIO's {@code handleReadException}: the batch ends, the failure is reported, and an
         * IOException or OutOfMemoryError ends the input (closing the channel, or half-closing it
         * where allowed); after anything else the channel reads on, as NIO tries again at the
         * next readiness.
         */
        void readFailed(Throwable cause) {
            ChannelPipeline pipeline = pipeline();
            if (inBatch) {
                endBatch(recvBufAllocHandle(), pipeline);
            }
            pipeline.fireExceptionCaught(cause);
            if (cause instanceof IOException || cause instanceof OutOfMemoryError
                    || ++readFailuresInARow >= MAX_READ_FAILURES_IN_A_ROW) {
                shutdownInputAfterRead(false);
            } else if (wantsData()) {
                // On a later turn of the loop, so an allocator that keeps failing cannot recurse.
                eventLoop().execute(this::retryRead);
            }
        }

        private void retryRead() {
            try {
                scheduleRead();
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

        void endBatch(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline) {
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
                if (config().isAllowHalfClosure()) {
                    inputShutdown = true;
                    try {
                        socket.shutdown(ShutdownMode.INPUT);
                    } catch (IOException e) {
                        // The connection is gone (a reset: ENOTCONN): as epoll and io_uring do, the
                        // input is reported shut down and the channel closes, half-closure or not.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
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
    }
}
