package dev.iocp.port.nio;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Operation;
import dev.iocp.port.ReceiveBufferSource;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Stream receives ({@link dev.iocp.port.CompletionPort#submitReceiveStream}) over readiness: a
 * socket with an armed stream stays watched for reading, each report of the selector that it is
 * readable queues one read as a completion ({@link CompletionQueue#READ_AT_DELIVERY}), and the
 * read is made when the port delivers that completion, into the port's one receive buffer, which
 * the handler sees through {@link #receivedBytes()}.
 *
 * <p><b>Why the read waits for delivery.</b> Read then, the bytes go to their handler at once
 * and the buffer is free again when it returns: one buffer per port serves every socket, and a
 * socket waiting for data holds no memory. Reading when the selector reports the socket would
 * need a buffer per ready socket, held until its completion is delivered, and longer when a
 * {@code dequeue(max)} delivers fewer than were read. Reading at delivery also keeps the port
 * fair: one read per report of readiness, so per dequeue pass, as Netty NIO's
 * {@code maxMessagesPerRead} bounds its read loop; a socket that is always readable waits its
 * turn behind the others, and a dequeue never reads more than it delivers.
 *
 * <p><b>Cancellation and close.</b> A cancel or a close disarms the stream at once and queues
 * its final completion; a read queued before it then finds the stream disarmed and reads
 * nothing. What the port has not read stays in the socket, for whichever receive comes next;
 * what it has read it has already delivered. So nothing is lost, and no data follows the final
 * completion.
 *
 * <p><b>No {@link CompletionFlags#INPUT_PENDING}.</b> Only another read would tell whether the
 * socket still has input, and that read is what the next report of readiness makes anyway. A
 * guess (the read filled the buffer) would be wrong when the data ended exactly at the end of
 * the buffer, and a caller that holds its batch open on the flag would wait for data that is not
 * coming. Reading a byte ahead, as single-shot receives do ({@link ReceiveLookahead}), would
 * leave a byte held between two reports of readiness, with nothing to report the socket readable
 * again. A read takes up to the whole buffer instead, so that little is left behind.
 *
 * <p><b>Buffers from a source.</b> With a {@link ReceiveBufferSource}
 * ({@link dev.iocp.port.CompletionPort#receiveBuffersFrom}) the port reads into the source's
 * buffer instead of its own, and an arrival can be {@linkplain #takeReceived taken} as a buffer
 * that shares that memory, with no copy. Reads go on into the room after what was taken, so
 * small arrivals of many sockets share one buffer, as io_uring's incremental buffers do; a buffer
 * with less than {@link #MIN_ROOM} left is released to its takers and a new one allocated. An
 * arrival that is copied instead leaves its room to the next read.
 */
final class StreamReceives {
    /**
     * The port's receive buffer: the most one read takes. Netty's adaptive receive buffers grow
     * to the same 64 KiB, and a loopback connection rarely has more queued than that.
     */
    static final int BUFFER_SIZE = 64 * 1024;
    /** A source's buffer with less room than this left after taken arrivals is replaced: a read gets at least this much. */
    static final int MIN_ROOM = 16 * 1024;
    /** After the source failed, the reads into the port's own buffer before it is asked again. */
    private static final int SOURCE_RETRY_READS = 64;
    /** What {@link #read} returns when there is nothing to deliver. */
    static final int NOTHING = Integer.MIN_VALUE;

    private final OperationTable table;
    /** Where buffers come from; null: the port's own {@link #BUFFER_SIZE} bytes, made by the first stream receive. */
    private ReceiveBufferSource<Object> source;
    /** The source's buffer being read into; null without a source, or when allocating one failed. */
    private Object current;
    /** The memory reads land in: a view of {@link #current}, or the port's own buffer. */
    private ByteBuffer buffer;
    /** A read-only view of {@link #buffer}: what {@link #receivedBytes()} hands out. */
    private ByteBuffer view;
    /** The port's own buffer, made when first needed: without a source, or when the source fails. */
    private ByteBuffer own;
    /** Where in {@link #buffer} the next read lands: after the arrivals taken from it. */
    private int fill;
    /** Whether arrivals were taken from {@link #current}, so it is replaced rather than reused from 0. */
    private boolean shared;
    /** The arrival being delivered: where it starts in {@link #buffer}, and whether it was taken. */
    private int arrivalStart;
    private int arrivalLength;
    private boolean arrivalTaken;
    /** A stream's data completion is being handled: {@link #buffer} holds its bytes. */
    private boolean delivering;
    private boolean armedOnce;
    /** Whether the source ever gave a buffer: one that fails from the start is not asked again. */
    private boolean sourceWorked;
    /** Reads left before the source is asked again after a failure. */
    private int sourceRetryIn;

    StreamReceives(OperationTable table) {
        this.table = table;
    }

    /** See {@link dev.iocp.port.CompletionPort#receiveBuffersFrom}. */
    @SuppressWarnings("unchecked")
    boolean receiveBuffersFrom(ReceiveBufferSource<?> source) {
        java.util.Objects.requireNonNull(source, "source");
        if (armedOnce) {
            throw new IllegalStateException("the port has received into its own buffer already: a source must be "
                    + "set before the first stream receive");
        }
        if (this.source != null) {
            throw new IllegalStateException("the port has a receive buffer source already: " + this.source);
        }
        this.source = (ReceiveBufferSource<Object>) source;
        return true;
    }

    /** Arms a stream receive just submitted (slot taken, counted in flight) on a socket. */
    void arm(NioSocket socket, int slot) {
        armedOnce = true;
        SocketOperations ops = socket.operations;
        ops.stream = slot;
        ops.streamArmed = true;
    }

    /**
     * Delivering a {@link CompletionQueue#READ_AT_DELIVERY} entry: reads the socket if its stream
     * is still armed.
     *
     * @return the bytes read (positive; they are in {@link #buffer}), {@link #NOTHING} when
     *         there is nothing to deliver (the stream was cancelled or closed since the entry
     *         was queued, or the readiness was spurious), or the result of the stream's final
     *         completion (0 at the end of input, {@code -errno} on failure): the stream is then
     *         disarmed and its slot {@link OperationTable#DONE}
     */
    int read(long id) {
        int slot = OperationIds.slot(id);
        NioSocket socket = table.socket(slot);
        SocketOperations ops = socket.operations;
        ops.streamReadQueued = false;
        if (!ops.streamArmed || ops.stream != slot) {
            return NOTHING;
        }
        ensureRoom();
        int start = fill;
        buffer.clear().position(start);
        // A byte that a receive before the stream read ahead comes first (ReceiveLookahead);
        // whatever the read after it meets (nothing, the end, an error) the next read meets too.
        int held = ReceiveLookahead.takeInto(ops, buffer, start);
        int n;
        try {
            n = socket.stream().read(buffer.position(start + held));
        } catch (IOException | IllegalStateException e) {
            if (held == 0) {
                return end(ops, slot, NioErrors.result(e));
            }
            n = 0; // the held byte is delivered; the next read meets the failure again
        }
        if (held + n > 0) {
            arrivalStart = start;
            return held + Math.max(n, 0);
        }
        return n == 0 ? NOTHING : end(ops, slot, 0);
    }

    /** Has {@link #buffer} ready for a read, with at least {@link #MIN_ROOM} after {@link #fill}. */
    private void ensureRoom() {
        if (current != null) {
            if (!shared || buffer.capacity() - fill >= MIN_ROOM) {
                return;
            }
            Object full = current;
            current = null;
            source.release(full); // its takers keep what they took
            fill = 0;
            shared = false;
        } else if (buffer != null && (source == null || sourceRetryIn-- > 0)) {
            return; // the port's own buffer: no source, or one resting after a failure
        }
        if (source != null) {
            try {
                current = source.allocate(BUFFER_SIZE);
                sourceWorked = true;
                buffer = source.view(current);
                view = buffer.asReadOnlyBuffer();
                return;
            } catch (OutOfMemoryError | RuntimeException e) {
                // Reads go on in the port's own memory, copied by their handlers, until the
                // source is asked again; one that never gave a buffer is not asked again.
                current = null;
                if (sourceWorked) {
                    sourceRetryIn = SOURCE_RETRY_READS;
                } else {
                    source = null;
                }
            }
        }
        if (own == null) {
            own = ByteBuffer.allocateDirect(BUFFER_SIZE);
        }
        buffer = own;
        view = own.asReadOnlyBuffer();
        fill = 0;
    }

    private int end(SocketOperations ops, int slot, int result) {
        ops.streamArmed = false;
        table.finish(slot);
        return result;
    }

    /** Delivers the {@code count} bytes {@link #read} placed in the buffer: a RECEIVE flagged MORE. */
    void deliver(CompletionHandler handler, long id, int count) {
        arrivalLength = count;
        arrivalTaken = false;
        view.limit(arrivalStart + count).position(arrivalStart);
        delivering = true;
        try {
            handler.onCompletion(table.key(OperationIds.slot(id)), Operation.RECEIVE, count, CompletionFlags.MORE, id);
        } finally {
            delivering = false;
            if (arrivalTaken) {
                fill = arrivalStart + count; // the next read lands after what was taken
            }
        }
    }

    /** The bytes being delivered; see {@link dev.iocp.port.CompletionPort#receivedBytes()}. */
    ByteBuffer receivedBytes() {
        if (!delivering) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        return view;
    }

    /** See {@link dev.iocp.port.CompletionPort#takeReceived()}. */
    Object takeReceived() {
        if (!delivering) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        if (arrivalTaken) {
            throw new IllegalStateException("the bytes of this receive completion were taken already");
        }
        if (current == null) {
            return null; // in the port's own memory: the caller copies it
        }
        Object taken = source.share(current, arrivalStart, arrivalLength);
        arrivalTaken = true;
        shared = true;
        return taken;
    }

    /** Lets go of the source's buffer being read into (the port is closing; no read comes after). */
    void release() {
        Object last = current;
        if (last != null) {
            current = null;
            buffer = null;
            view = null;
            source.release(last);
        }
    }

    /** Bytes of receive memory the port holds: the same for one socket or thousands. */
    int memoryBytes() {
        return (own == null ? 0 : own.capacity()) + (current == null ? 0 : buffer.capacity());
    }
}
