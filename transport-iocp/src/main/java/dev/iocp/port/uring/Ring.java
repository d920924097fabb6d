package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import dev.iocp.port.uring.sys.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.iocp.port.uring.sys.IoUringLayouts.CQRING_OFFSETS;
import static dev.iocp.port.uring.sys.IoUringLayouts.CQ_CQES;
import static dev.iocp.port.uring.sys.IoUringLayouts.SQRING_OFFSETS;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_CQ_ENTRIES;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_CQ_OFF;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_FEATURES;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_FLAGS;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_SQ_ENTRIES;
import static dev.iocp.port.uring.sys.IoUringLayouts.PARAMS_SQ_OFF;
import static dev.iocp.port.uring.sys.IoUringLayouts.RSRC_UPDATE;
import static dev.iocp.port.uring.sys.IoUringLayouts.RSRC_UPDATE_DATA;
import static dev.iocp.port.uring.sys.IoUringLayouts.RSRC_UPDATE_OFFSET;
import static dev.iocp.port.uring.sys.IoUringLayouts.SQE_SIZE;
import static dev.iocp.port.uring.sys.IoUringLayouts.SQ_ARRAY;
import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One io_uring instance: created with the best setup flags this kernel accepts, its rings
 * mapped, enabled and its fd registered for the thread that owns it, and all of that undone
 * again by {@link #close()}. The submission and completion queues work on the mapped memory;
 * this class only owns it.
 */
final class Ring implements AutoCloseable {

    /**
     * Setup flag sets, best first. {@code io_uring_setup} answers EINVAL to a flag it does not
     * know, so each step drops what an older kernel lacks (as liburing retries without
     * NO_SQARRAY): NO_SQARRAY (6.6), DEFER_TASKRUN (6.1), SINGLE_ISSUER (6.0). COOP_TASKRUN,
     * TASKRUN_FLAG and SUBMIT_ALL are 5.19, our floor.
     */
    static final int[] SETUP_PROFILES = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG
                | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_NO_SQARRAY,
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG
                | IORING_SETUP_SUBMIT_ALL,
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
                | IORING_SETUP_SUBMIT_ALL,
        IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL,
    };

    /**
     * Flags every profile adds: the completion queue sized by us, sizes clamped rather than
     * refused, and the ring created disabled so that the thread that enables it (the port's
     * owner, not the thread that built the port) becomes its single issuer.
     */
    private static final int COMMON_FLAGS = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | IORING_SETUP_R_DISABLED;

    final int fd;
    final int setupFlags;
    final int features;
    final SubmissionQueue submissions;
    final CompletionQueue completions;

    private final long ringAddress;
    private final long ringSize;
    private final long sqesAddress;
    private final long sqesSize;
    /** The ring fd's index among the owner thread's registered ring fds, or -1. */
    private int registeredIndex = -1;
    private boolean closed;

    private Ring(int fd, int setupFlags, int features, long ringAddress, long ringSize, long sqesAddress,
                 long sqesSize, SubmissionQueue submissions, CompletionQueue completions) {
        this.fd = fd;
        this.setupFlags = setupFlags;
        this.features = features;
        this.ringAddress = ringAddress;
        this.ringSize = ringSize;
        this.sqesAddress = sqesAddress;
        this.sqesSize = sqesSize;
        this.submissions = submissions;
        this.completions = completions;
    }

    /**
     * Creates a ring, trying {@link #SETUP_PROFILES} from {@code firstProfile} on.
     *
     * @param onBacklogged called each time a submission finds the ring full (see {@link SubmissionQueue})
     * @throws PortException with the errno of {@code io_uring_setup} or {@code mmap}
     */
    @SuppressWarnings("restricted")
    static Ring open(int sqEntries, int cqEntries, int firstProfile, Runnable onBacklogged) throws PortException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(PARAMS);
            int fd = -Errno.EINVAL;
            int flags = 0;
            for (int i = firstProfile; i < SETUP_PROFILES.length && fd == -Errno.EINVAL; i++) {
                params.fill((byte) 0);
                flags = SETUP_PROFILES[i] | COMMON_FLAGS;
                params.set(JAVA_INT, PARAMS_FLAGS, flags);
                params.set(JAVA_INT, PARAMS_CQ_ENTRIES, cqEntries);
                fd = Syscalls.ioUringSetup(sqEntries, params.address());
            }
            if (fd < 0) {
                throw new PortException("io_uring_setup(" + sqEntries + " entries): " + Errno.describe(fd), fd);
            }
            int features = params.get(JAVA_INT, PARAMS_FEATURES);
            int sqSize = params.get(JAVA_INT, PARAMS_SQ_ENTRIES);
            int cqSize = params.get(JAVA_INT, PARAMS_CQ_ENTRIES);
            long sqOff = PARAMS_SQ_OFF;
            long cqOff = PARAMS_CQ_OFF;
            long sqArray = params.get(JAVA_INT, sqOff + SQ_ARRAY);
            long cqes = params.get(JAVA_INT, cqOff + CQ_CQES);
            // One mapping holds both rings (IORING_FEAT_SINGLE_MMAP, 5.4); without an SQ index
            // array (NO_SQARRAY) the CQE array ends it.
            long ringSize = Math.max(sqArray + sqSize * 4L, cqes + cqSize * 16L);
            long sqesSize = sqSize * SQE_SIZE;
            long ring = Syscalls.mmap(ringSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
            if (ring < 0) {
                Syscalls.close(fd);
                throw new PortException("mmap(io_uring rings, " + ringSize + " bytes): " + Errno.describe((int) ring), (int) ring);
            }
            long sqes = Syscalls.mmap(sqesSize, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
            if (sqes < 0) {
                Syscalls.munmap(ring, ringSize);
                Syscalls.close(fd);
                throw new PortException("mmap(io_uring SQEs, " + sqesSize + " bytes): " + Errno.describe((int) sqes), (int) sqes);
            }
            // Global-scope views: the ring lives until close(), which only the owner calls after
            // every completion is in, so no per-access liveness check is needed.
            MemorySegment ringMemory = MemorySegment.ofAddress(ring).reinterpret(ringSize);
            MemorySegment sqeMemory = MemorySegment.ofAddress(sqes).reinterpret(sqesSize);
            if ((flags & IORING_SETUP_NO_SQARRAY) == 0) {
                // Without NO_SQARRAY the kernel reads SQE indexes from this array; the identity
                // mapping lets us fill SQEs in ring order.
                for (int i = 0; i < sqSize; i++) {
                    ringMemory.set(JAVA_INT, sqArray + i * 4L, i);
                }
            }
            return new Ring(fd, flags, features, ring, ringSize, sqes, sqesSize,
                    new SubmissionQueue(ringMemory, params.asSlice(sqOff, SQRING_OFFSETS.byteSize()), sqeMemory,
                            onBacklogged),
                    new CompletionQueue(ringMemory, params.asSlice(cqOff, CQRING_OFFSETS.byteSize())));
        }
    }

    /**
     * Owner thread, once: enables the ring, created disabled, which makes the calling thread its
     * single issuer.
     *
     * @throws IllegalStateException if the kernel refuses
     */
    void enable() {
        int rc = Syscalls.ioUringRegister(fd, IORING_REGISTER_ENABLE_RINGS, 0L, 0);
        if (rc < 0) {
            throw new IllegalStateException("io_uring_register(ENABLE_RINGS): " + Errno.describe(rc));
        }
    }

    /**
     * Owner thread: registers the ring fd with the calling thread (5.18), so that each enter
     * skips the fd table lookup and reference count a threaded process otherwise pays. Optional:
     * a thread has 16 such slots, and on failure the plain fd is used.
     *
     * @return whether the fd was registered; then {@link #registeredIndex()} names it
     */
    boolean registerFd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment update = arena.allocate(RSRC_UPDATE);
            update.set(JAVA_INT, RSRC_UPDATE_OFFSET, -1); // any free slot
            update.set(JAVA_LONG, RSRC_UPDATE_DATA, fd);
            if (Syscalls.ioUringRegister(fd, IORING_REGISTER_RING_FDS, update.address(), 1) == 1) {
                registeredIndex = update.get(JAVA_INT, RSRC_UPDATE_OFFSET);
            }
        }
        return registeredIndex >= 0;
    }

    /** The index {@link #registerFd()} got, or -1. */
    int registeredIndex() {
        return registeredIndex;
    }

    /**
     * Owner thread: gives the registered slot back. Without this a closed ring would live on in
     * the kernel, held by the slot, until the thread exits, and the thread would run out of
     * slots after 16 ports.
     */
    private void unregisterFd() {
        if (registeredIndex < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment update = arena.allocate(RSRC_UPDATE); // data stays 0, as unregistering requires
            update.set(JAVA_INT, RSRC_UPDATE_OFFSET, registeredIndex);
            Syscalls.ioUringRegister(fd, IORING_UNREGISTER_RING_FDS, update.address(), 1);
        }
        registeredIndex = -1;
    }

    /**
     * Gives back the registered fd (on the owner thread, which is where the port closes), unmaps
     * the rings and closes the ring; the kernel cancels whatever is still in flight.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unregisterFd();
        Syscalls.munmap(sqesAddress, sqesSize);
        Syscalls.munmap(ringAddress, ringSize);
        Syscalls.close(fd);
    }
}
