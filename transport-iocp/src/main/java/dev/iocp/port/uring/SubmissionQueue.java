package dev.iocp.port.uring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

import static dev.iocp.port.uring.sys.IoUringLayouts.*;
import static dev.iocp.port.uring.sys.LinuxConstants.IOSQE_IO_LINK;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The submission side of a {@link Ring}, and a flyweight over the entry being written: {@link
 * #prepare} claims an SQE and the setters fill its fields by name.
 *
 * <p><b>Nothing is lost when the ring is full.</b> An entry that finds no free SQE is written to
 * a backlog in heap memory instead, and so is every entry after it, to keep submission order
 * (a socket's cancellation must reach the kernel before its close). {@link #flushBacklog()}
 * moves the backlog into the ring as the kernel consumes entries.
 *
 * <p><b>Link chains stay whole.</b> Entries linked with {@code IOSQE_IO_LINK} must reach the
 * kernel in one {@code io_uring_enter}: "chains are not supported across submission boundaries"
 * ({@code io_uring_enter(2)}), and a chain cut in two runs as two unrelated requests. So a chain
 * ({@link #beginChain}) goes to the ring only if all of it fits, else all of it to the backlog,
 * which moves it into the ring in one piece.
 */
final class SubmissionQueue {
    private static final VarHandle RING_INT = JAVA_INT.varHandle();
    private static final int SQE_LONGS = (int) (SQE_SIZE / 8);

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final int mask;
    private final int entries;
    private final Runnable onBacklogged;

    /** Our tail: entries written, published to the kernel by {@link #publish()}. */
    private int tail;
    /** The kernel's head as last read; refreshed only when the ring looks full. */
    private int cachedHead;

    private long[] backlog = new long[0];
    private MemorySegment backlogMemory = MemorySegment.ofArray(backlog);
    private int backlogCount;

    /** The next {@link #prepare} goes to the backlog: the chain it begins does not fit the ring now. */
    private boolean chainToBacklog;

    /** Where the entry being prepared lives: an SQE in the ring, or a backlog slot. */
    private MemorySegment target;
    private long base;

    /**
     * @param ring      the mapped rings
     * @param offsets   the kernel's {@code io_sqring_offsets}: where in {@code ring} each field is
     * @param sqes      the mapped SQE array
     * @param onBacklogged called for each entry that finds the ring full and goes to the backlog
     */
    SubmissionQueue(MemorySegment ring, MemorySegment offsets, MemorySegment sqes, Runnable onBacklogged) {
        this.ring = ring;
        this.onBacklogged = onBacklogged;
        this.sqes = sqes;
        this.headOffset = offsets.get(JAVA_INT, RING_HEAD);
        this.tailOffset = offsets.get(JAVA_INT, RING_TAIL);
        this.flagsOffset = offsets.get(JAVA_INT, SQ_FLAGS);
        this.mask = ring.get(JAVA_INT, offsets.get(JAVA_INT, RING_MASK));
        this.entries = ring.get(JAVA_INT, offsets.get(JAVA_INT, RING_ENTRIES));
        this.tail = ring.get(JAVA_INT, tailOffset);
        this.cachedHead = tail;
    }

    /** Claims an entry, zeroes it and sets the fields every operation has. */
    SubmissionQueue prepare(byte opcode, int fd, long userData) {
        if (backlogCount == 0 && !chainToBacklog && hasFreeEntries(1)) {
            target = sqes;
            base = (tail & mask) * SQE_SIZE;
            tail++;
        } else {
            target = backlogSlot();
            base = (backlogCount++) * SQE_SIZE;
            onBacklogged.run();
            chainToBacklog = false;
        }
        for (int i = 0; i < SQE_LONGS; i++) {
            target.set(JAVA_LONG, base + i * 8L, 0L);
        }
        target.set(JAVA_BYTE, base + SQE_OPCODE, opcode);
        target.set(JAVA_INT, base + SQE_FD, fd);
        target.set(JAVA_LONG, base + SQE_USER_DATA, userData);
        return this;
    }

    SubmissionQueue address(long address) {
        target.set(JAVA_LONG, base + SQE_ADDR, address);
        return this;
    }

    SubmissionQueue length(int length) {
        target.set(JAVA_INT, base + SQE_LEN, length);
        return this;
    }

    /** The {@code off}/{@code addr2} union: a file offset, a sockaddr length pointer, a timeout count. */
    SubmissionQueue offset(long offset) {
        target.set(JAVA_LONG, base + SQE_OFF, offset);
        return this;
    }

    /** The per-opcode flags union: {@code msg_flags}, {@code accept_flags}, {@code cancel_flags}... */
    SubmissionQueue opFlags(int flags) {
        target.set(JAVA_INT, base + SQE_OP_FLAGS, flags);
        return this;
    }

    /** The {@code IOSQE_*} flags. */
    SubmissionQueue flags(byte flags) {
        target.set(JAVA_BYTE, base + SQE_FLAGS, flags);
        return this;
    }

    /** The provided buffer group an {@code IOSQE_BUFFER_SELECT} request takes its buffer from. */
    SubmissionQueue bufferGroup(short group) {
        target.set(JAVA_SHORT, base + SQE_BUF_GROUP, group);
        return this;
    }

    /** A splice's input: {@code splice_fd_in}, and {@code splice_off_in} (-1: a pipe, no offset). */
    SubmissionQueue spliceInput(int fd, long offset) {
        target.set(JAVA_INT, base + SQE_SPLICE_FD_IN, fd);
        target.set(JAVA_LONG, base + SQE_SPLICE_OFF_IN, offset);
        return this;
    }

    SubmissionQueue ioprio(short ioprio) {
        target.set(JAVA_SHORT, base + SQE_IOPRIO, ioprio);
        return this;
    }

    /** Whether a chain of {@code length} entries can ever be submitted whole: the ring holds that many. */
    boolean canLink(int length) {
        return length <= entries;
    }

    /**
     * Announces that the next {@code length} entries prepared form one link chain (the caller sets
     * {@code IOSQE_IO_LINK} on all but the last, and checked {@link #canLink}): they all go to the
     * ring, or all to the backlog.
     */
    void beginChain(int length) {
        if (backlogCount == 0 && !hasFreeEntries(length)) {
            chainToBacklog = true;
        }
    }

    private boolean hasFreeEntries(int count) {
        if (tail - cachedHead <= entries - count) {
            return true;
        }
        cachedHead = (int) RING_INT.getAcquire(ring, headOffset);
        return tail - cachedHead <= entries - count;
    }

    private MemorySegment backlogSlot() {
        if ((backlogCount + 1) * SQE_LONGS > backlog.length) {
            backlog = Arrays.copyOf(backlog, Math.max(SQE_LONGS * 64, backlog.length * 2));
            backlogMemory = MemorySegment.ofArray(backlog);
        }
        return backlogMemory;
    }

    /**
     * Moves backlogged entries into free SQEs, oldest first.
     *
     * @return how many are still waiting for room
     */
    int flushBacklog() {
        int moved = 0;
        int chain;
        while (moved < backlogCount && hasFreeEntries(chain = chainLength(moved))) {
            for (int end = moved + chain; moved < end; moved++) {
                MemorySegment.copy(backlogMemory, moved * SQE_SIZE, sqes, (tail & mask) * SQE_SIZE, SQE_SIZE);
                tail++;
            }
        }
        if (moved > 0) {
            System.arraycopy(backlog, moved * SQE_LONGS, backlog, 0, (backlogCount - moved) * SQE_LONGS);
            backlogCount -= moved;
        }
        return backlogCount;
    }

    /** How many backlogged entries, from {@code first} on, belong to the chain it starts (1 if none). */
    private int chainLength(int first) {
        int last = first;
        while (last + 1 < backlogCount
                && (backlogMemory.get(JAVA_BYTE, last * SQE_SIZE + SQE_FLAGS) & IOSQE_IO_LINK) != 0) {
            last++;
        }
        return last - first + 1;
    }

    int backlogged() {
        return backlogCount;
    }

    /** Entries written to the ring and not yet consumed by the kernel. */
    int unsubmitted() {
        cachedHead = (int) RING_INT.getAcquire(ring, headOffset);
        return tail - cachedHead;
    }

    /**
     * Makes written entries visible to the kernel. A release store: the SQE contents must be
     * visible before the tail that covers them (without SQPOLL the following syscall would also
     * order them, but the store costs nothing extra on x86).
     */
    void publish() {
        RING_INT.setRelease(ring, tailOffset, tail);
    }

    /** The SQ ring flags: {@code IORING_SQ_CQ_OVERFLOW}, {@code IORING_SQ_TASKRUN}. */
    int ringFlags() {
        return (int) RING_INT.getVolatile(ring, flagsOffset);
    }

    int capacity() {
        return entries;
    }
}
