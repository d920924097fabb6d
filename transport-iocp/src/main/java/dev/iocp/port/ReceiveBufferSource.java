package dev.iocp.port;

import java.nio.ByteBuffer;

/**
 * Where a port takes the memory its stream receives land in, so that what arrives can be handed
 * on without a copy ({@link CompletionPort#takeReceived()}). The port allocates buffers from the
 * source, lets the kernel fill them, and shares the bytes of each arrival with whoever takes
 * them; a buffer whose bytes were taken is released by the port once the kernel is done with it
 * and replaced by a new one, so memory taken is the taker's (a Netty {@code ByteBuf}, reference
 * counted), never the port's.
 *
 * <p>Called by the port's owner thread only, so an allocator's thread-local cache serves it;
 * except that the port releases its buffers from the thread that closes it. A source that throws
 * from {@link #allocate} costs no data: the port receives into memory of its own meanwhile (and
 * the caller copies those arrivals).
 *
 * @param <B> the source's buffer type
 */
public interface ReceiveBufferSource<B> {

    /**
     * A buffer of {@code capacity} bytes of native memory, owned by the port until it {@link #release}s it.
     *
     * @param capacity the size in bytes, positive
     * @return a buffer of native memory whose {@link #address} the kernel may write to
     */
    B allocate(int capacity);

    /**
     * The native address of {@code buffer}'s first byte.
     *
     * @param buffer a buffer this source allocated
     * @return the address, valid while the buffer is allocated
     */
    long address(B buffer);

    /**
     * A {@link ByteBuffer} over {@code buffer}'s whole capacity, for reading an arrival in place:
     * the port sets its position and limit. Asked for once per buffer.
     *
     * @param buffer a buffer this source allocated
     * @return a direct buffer over the same memory
     */
    ByteBuffer view(B buffer);

    /**
     * {@code length} bytes of {@code buffer} from {@code offset}, as a buffer of the caller's own
     * that shares the memory: {@code buffer} stays allocated until both are released.
     *
     * @param buffer a buffer this source allocated
     * @param offset the first byte's index in {@code buffer}
     * @param length the count of bytes, positive
     * @return a buffer the caller owns and releases itself, over those bytes
     */
    B share(B buffer, int offset, int length);

    /**
     * Lets go of the port's own reference to {@code buffer}.
     *
     * @param buffer a buffer this source allocated, released once by the port
     */
    void release(B buffer);
}
