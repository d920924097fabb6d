package dev.iocp.port.nio;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Operation;

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
 */
final class StreamReceives {
    /**
     * The port's receive buffer: the most one read takes. Netty's adaptive receive buffers grow
     * to the same 64 KiB, and a loopback connection rarely has more queued than that.
     */
    static final int BUFFER_SIZE = 64 * 1024;
    /** What {@link #read} returns when there is nothing to deliver. */
    static final int NOTHING = Integer.MIN_VALUE;

    private final OperationTable table;
    /** Made by the first stream receive: a port that has none needs no buffer. */
    private ByteBuffer buffer;
    /** A read-only view of {@link #buffer}: what {@link #receivedBytes()} hands out. */
    private ByteBuffer view;
    /** A stream's data completion is being handled: {@link #view} holds its bytes. */
    private boolean delivering;

    StreamReceives(OperationTable table) {
        this.table = table;
    }

    /** Arms a stream receive just submitted (slot taken, counted in flight) on a socket. */
    void arm(NioSocket socket, int slot) {
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
            view = buffer.asReadOnlyBuffer();
        }
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
        buffer.clear();
        // A byte that a receive before the stream read ahead comes first (ReceiveLookahead);
        // whatever the read after it meets (nothing, the end, an error) the next read meets too.
        int held = ReceiveLookahead.takeInto(ops, buffer, 0);
        int n;
        try {
            n = socket.stream().read(buffer.position(held));
        } catch (IOException | IllegalStateException e) {
            return held > 0 ? held : end(ops, slot, NioErrors.result(e));
        }
        if (held + n > 0) {
            return held + Math.max(n, 0);
        }
        return n == 0 ? NOTHING : end(ops, slot, 0);
    }

    private int end(SocketOperations ops, int slot, int result) {
        ops.streamArmed = false;
        table.finish(slot);
        return result;
    }

    /** Delivers the {@code count} bytes {@link #read} placed in the buffer: a RECEIVE flagged MORE. */
    void deliver(CompletionHandler handler, long id, int count) {
        view.limit(count).position(0);
        delivering = true;
        try {
            handler.onCompletion(table.key(OperationIds.slot(id)), Operation.RECEIVE, count, CompletionFlags.MORE, id);
        } finally {
            delivering = false;
        }
    }

    /** The bytes being delivered; see {@link dev.iocp.port.CompletionPort#receivedBytes()}. */
    ByteBuffer receivedBytes() {
        if (!delivering) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        return view;
    }

    /** Bytes of receive memory the port holds: the same for one socket or thousands. */
    int memoryBytes() {
        return buffer == null ? 0 : buffer.capacity();
    }
}
