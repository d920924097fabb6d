package dev.iocp.port;

import java.nio.ByteBuffer;

/**
 * The data of one send, laid out by the caller as segments of direct memory that go out in
 * order: what {@link CompletionPort#submitSend(PortSocket, SendSegments)} reads, as
 * {@code WSASend} reads an array of {@code WSABUF}s.
 *
 * <p>Each backend asks only for the form it hands the kernel: io_uring for each segment's native
 * {@link #address} and {@link #length}, the java.nio backend for a {@link #buffer} over it. A
 * caller that knows its memory's addresses (Netty's {@code ByteBuf.memoryAddress()}) thus sends
 * on io_uring without a {@code ByteBuffer} view being made for every message, and the nio
 * backend still gets the buffers java.nio writes from.
 *
 * <p>The port calls these methods only during the submit call, on the owner thread, and does not
 * keep this object: the caller may reuse it for the next send as soon as the submit returns. The
 * memory itself is another matter: it must stay allocated and unchanged until the send's
 * completion has been dequeued, and, unlike the {@code ByteBuffer} forms of {@code submitSend},
 * the port does not keep it reachable: the caller holds it (a channel's outbound buffer releases
 * its messages only when the completion removes them).
 */
public interface SendSegments {

    /**
     * How many segments there are: 1 to {@link CompletionPort#MAX_GATHERED_BUFFERS}.
     *
     * @return the number of segments
     */
    int count();

    /**
     * The length in bytes of segment {@code index}; not negative.
     *
     * @param index the segment's index, from 0 to {@link #count()} - 1
     * @return the segment's length in bytes
     */
    int length(int index);

    /**
     * The native address of the first byte of segment {@code index}, in direct memory.
     *
     * @param index the segment's index, from 0 to {@link #count()} - 1
     * @return the address of the segment's first byte
     */
    long address(int index);

    /**
     * A buffer whose remaining bytes (position to limit) are segment {@code index}. The port
     * records the window when it asks and leaves the buffer's position alone, but may do the
     * I/O later: one buffer object may stand for several segments of a send only with the same
     * window (a message written twice), and the send may then stop short before the repeat.
     *
     * @param index the segment's index, from 0 to {@link #count()} - 1
     * @return a direct buffer whose position and limit bound the segment
     */
    ByteBuffer buffer(int index);
}
