package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.iocp.port.uring.sys.IoUringLayouts.*;
import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A provided buffer ring (5.19): the array of {@code struct io_uring_buf} from which the kernel
 * picks a buffer when data arrives for a request flagged {@code IOSQE_BUFFER_SELECT}. Mechanism
 * only, shaped like {@link SubmissionQueue}: {@link #add} writes entries past the tail, {@link
 * #publish} makes them the kernel's. Which buffers go in, and when, is {@link ReceiveBuffers}'s
 * business.
 *
 * <p>The kernel keeps the head to itself and reads the tail with an acquire load; we store the
 * tail with a release so that the entries before it are visible first
 * ({@code man io_uring_register_buf_ring.3}; kernel {@code io_uring/kbuf.c}). Head and tail are
 * {@code u16} and wrap; the ring's size is a power of two below 2^16.
 */
final class ProvidedBufferRing {
    private static final VarHandle TAIL = JAVA_SHORT.varHandle();
    private static final long PAGE = 4096;

    private final MemorySegment entries;
    private final int mask;
    private final short group;
    private final boolean incremental;
    /** Our tail: entries written, published by {@link #publish()}. */
    private short tail;
    private short published;

    private ProvidedBufferRing(MemorySegment entries, int size, short group, boolean incremental) {
        this.entries = entries;
        this.mask = size - 1;
        this.group = group;
        this.incremental = incremental;
    }

    /**
     * Allocates a ring of {@code size} entries in {@code arena} and registers it as buffer group
     * {@code group} of the io_uring {@code ringFd}; from the calling thread, which must be the
     * ring's submitter under SINGLE_ISSUER. Incremental consumption (6.12) is asked for when
     * wanted and dropped if the kernel refuses it (EINVAL).
     *
     * @throws PortException when the kernel refuses the ring (e.g. ENOMEM from RLIMIT_MEMLOCK on
     *                       kernels before 5.12 accounting, EINVAL before 5.19)
     */
    static ProvidedBufferRing register(Arena arena, int ringFd, short group, int size, boolean wantIncremental)
            throws PortException {
        if (size < 1 || size > 32768 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a provided buffer ring has a power-of-two size up to 32768: " + size);
        }
        // Page-aligned: the kernel pins the pages the ring lies in.
        MemorySegment entries = arena.allocate(Math.max(PAGE, size * BUF_SIZE), PAGE);
        int rc = wantIncremental ? tryRegister(ringFd, entries, size, group, IOU_PBUF_RING_INC) : -Errno.EINVAL;
        boolean incremental = rc == 0;
        if (rc != 0) {
            rc = tryRegister(ringFd, entries, size, group, 0);
        }
        if (rc != 0) {
            throw new PortException("io_uring_register(PBUF_RING, group " + group + ", " + size + " entries): "
                    + Errno.describe(rc), rc);
        }
        return new ProvidedBufferRing(entries, size, group, incremental);
    }

    private static int tryRegister(int ringFd, MemorySegment entries, int size, short group, int flags) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment reg = scratch.allocate(BUF_REG); // zeroed: resv must be
            reg.set(JAVA_LONG, BUF_REG_RING_ADDR, entries.address());
            reg.set(JAVA_INT, BUF_REG_RING_ENTRIES, size);
            reg.set(JAVA_SHORT, BUF_REG_BGID, group);
            reg.set(JAVA_SHORT, BUF_REG_FLAGS, (short) flags);
            return Syscalls.ioUringRegister(ringFd, IORING_REGISTER_PBUF_RING, reg.address(), 1);
        }
    }

    /** The buffer group id requests name in {@code buf_group}. */
    short group() {
        return group;
    }

    /** Entries the ring holds at most. */
    int size() {
        return mask + 1;
    }

    /**
     * Whether the kernel consumes buffers incrementally: a CQE flagged {@code F_BUF_MORE} leaves
     * its buffer in the ring, with the rest of it still to be filled.
     */
    boolean incremental() {
        return incremental;
    }

    /** Writes an entry past the tail; the kernel sees it after {@link #publish()}. */
    void add(int bufferId, long address, int length) {
        long at = (tail & mask) * BUF_SIZE;
        entries.set(JAVA_LONG, at + BUF_ADDR, address);
        entries.set(JAVA_INT, at + BUF_LEN, length);
        entries.set(JAVA_SHORT, at + BUF_BID, (short) bufferId);
        tail++;
    }

    /** Hands the entries added since the last call to the kernel, with one release store. */
    void publish() {
        if (tail != published) {
            TAIL.setRelease(entries, BUF_RING_TAIL, tail);
            published = tail;
        }
    }

    /** Unregisters the group (optional: closing the ring drops it too). */
    void unregister(int ringFd) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment reg = scratch.allocate(BUF_REG);
            reg.set(JAVA_SHORT, BUF_REG_BGID, group);
            Syscalls.ioUringRegister(ringFd, IORING_UNREGISTER_PBUF_RING, reg.address(), 1);
        }
    }
}
