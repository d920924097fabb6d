package dev.iocp.port.uring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.iocp.port.uring.sys.IoUringLayouts.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The completion side of a {@link Ring}: CQEs are read in place and released by moving the
 * head, so reaping allocates nothing.
 */
final class CompletionQueue {
    private static final VarHandle RING_INT = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long overflowOffset;
    private final long cqesOffset;
    private final int mask;
    private final int entries;

    /** Our head: every CQE before it has been consumed. */
    private int head;

    /**
     * @param ring    the mapped rings
     * @param offsets the kernel's {@code io_cqring_offsets}: where in {@code ring} each field is
     */
    CompletionQueue(MemorySegment ring, MemorySegment offsets) {
        this.ring = ring;
        this.headOffset = offsets.get(JAVA_INT, RING_HEAD);
        this.tailOffset = offsets.get(JAVA_INT, RING_TAIL);
        this.overflowOffset = offsets.get(JAVA_INT, CQ_OVERFLOW);
        this.cqesOffset = offsets.get(JAVA_INT, CQ_CQES);
        this.mask = ring.get(JAVA_INT, offsets.get(JAVA_INT, RING_MASK));
        this.entries = ring.get(JAVA_INT, offsets.get(JAVA_INT, RING_ENTRIES));
        this.head = ring.get(JAVA_INT, headOffset);
    }

    /** CQEs posted and not yet consumed. The acquire pairs with the kernel's release of the tail. */
    int ready() {
        return (int) RING_INT.getAcquire(ring, tailOffset) - head;
    }

    /** The byte offset of the {@code i}-th unconsumed CQE. */
    long entry(int i) {
        return cqesOffset + ((head + i) & mask) * CQE_SIZE;
    }

    long userData(long entry) {
        return ring.get(JAVA_LONG, entry + CQE_USER_DATA);
    }

    int result(long entry) {
        return ring.get(JAVA_INT, entry + CQE_RES);
    }

    int flags(long entry) {
        return ring.get(JAVA_INT, entry + CQE_FLAGS);
    }

    /**
     * Consumes {@code count} CQEs. A release store: our reads of them happen before the kernel
     * may reuse their slots.
     */
    void advance(int count) {
        head += count;
        RING_INT.setRelease(ring, headOffset, head);
    }

    /** CQEs the kernel could not post (only without IORING_FEAT_NODROP, which we require). */
    int overflowCount() {
        return (int) RING_INT.getVolatile(ring, overflowOffset);
    }

    int capacity() {
        return entries;
    }
}
