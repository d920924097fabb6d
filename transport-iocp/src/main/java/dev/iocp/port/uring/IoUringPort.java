package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.OwnerThread;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.PortMetricsRecorder;
import dev.iocp.port.PortSocket;
import dev.iocp.port.PostQueue;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.SubmissionChecks;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.Sockaddr;
import dev.iocp.port.uring.sys.Syscalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A completion port on one io_uring instance.
 *
 * <p>Each {@link #dequeue} makes one {@code io_uring_enter}: it submits everything staged since
 * the last call and, when nothing is ready, waits in the same call, with the timeout passed
 * through {@code IORING_ENTER_EXT_ARG} rather than a timeout SQE. Completions are read in place
 * from the CQ ring. Wake-ups post a CQE into the ring from the waking thread ({@link Waker}).
 */
public final class IoUringPort implements CompletionPort {
    private static final Logger LOG = Logger.getLogger(IoUringPort.class.getName());

    private static final long INTERNAL_CANCEL = UserData.encode(0, UserData.KIND_INTERNAL_CANCEL, 0);
    /** How long close() waits for cancelled operations before it gives up on freeing their memory. */
    private static final long CLOSE_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final CompletionHandler DROP = (key, operation, result, flags, id) -> { };
    /**
     * Operation tables of ports closed before the kernel finished with them: their native
     * memory is never freed (the arena is not closed) and the buffers they pin must not be
     * collected either, since the kernel may still write into them.
     */
    private static final Set<OperationTable> NEVER_FREED = ConcurrentHashMap.newKeySet();
    /**
     * {@code eventfd} forces the eventfd wake-up that kernels before 6.13 get, to compare the two
     * or to work around a kernel problem; anything else lets the port use SEND_MSG_RING.
     */
    static final String WAKEUP_PROPERTY = "dev.iocp.uring.wakeup";

    private final IoUringBackend backend;
    private final Arena arena = Arena.ofShared();
    private final Ring ring;
    private final SubmissionQueue submissions;
    private final CompletionQueue completions;
    private final OperationTable operations;
    private final SpliceSends splices;
    private final Waker waker;
    private final PostQueue posts = new PostQueue();
    /** getevents_arg followed by the timespec it points to. */
    private final MemorySegment waitArgument;
    private final Set<UringSocket> sockets = new HashSet<>();
    private final boolean messageRingWakeups;
    private final ArrayDeque<UringSocket> heldCloses = new ArrayDeque<>();
    private final UnadoptedAccepts unadopted = new UnadoptedAccepts();
    private final PortMetricsRecorder metrics;
    private final ReceiveBufferSettings receiveSettings;
    /** Opened on the first stream receive, so a port that never receives holds no buffers. */
    private ReceiveBuffers receiveBuffers;
    /** The bytes of the stream receive completion being handled; null outside its handler. */
    private ByteBuffer received;
    /** Stream receives stopped after data that ended the kernel's request: their final completion is owed. */
    private final ArrayDeque<UringSocket> streamEnds = new ArrayDeque<>();

    private final OwnerThread owner = new OwnerThread();
    private int enterFd;
    private int enterFlags;
    private boolean wakerArmed;
    private boolean dequeuing;
    private volatile boolean closed;

    /**
     * @param poisonReleasedScratch fill each operation's native scratch with a poison pattern
     *                              when its slot is released, so that a kernel read of stale
     *                              scratch fails loudly (a debugging aid)
     */
    IoUringPort(IoUringBackend backend, PortConfig config, int firstSetupProfile, boolean messageRingWakeups,
                boolean poisonReleasedScratch, ReceiveBufferSettings receiveSettings) throws IOException {
        this.backend = backend;
        this.receiveSettings = receiveSettings;
        this.metrics = new PortMetricsRecorder(backend.name(), owner, this::pendingOperations);
        this.messageRingWakeups = messageRingWakeups && !"eventfd".equals(System.getProperty(WAKEUP_PROPERTY));
        Ring r = null;
        Waker w = null;
        try {
            this.waitArgument = arena.allocate(IoUringLayouts.GETEVENTS_ARG.byteSize() + IoUringLayouts.TIMESPEC.byteSize(), 8);
            r = Ring.open(config.submissionQueueEntries(), config.completionQueueEntries(), firstSetupProfile,
                    metrics::submissionBacklogged);
            w = new Waker(arena, metrics);
        } catch (IOException | RuntimeException | Error e) {
            if (r != null) {
                r.close();
            }
            arena.close();
            throw e;
        }
        this.ring = r;
        this.waker = w;
        this.submissions = r.submissions;
        this.completions = r.completions;
        this.operations = new OperationTable(arena, poisonReleasedScratch);
        this.splices = new SpliceSends(r.submissions, operations);
        this.enterFd = r.fd;
        metrics.opened();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The io_uring setup flags this port's ring was created with. */
    public int setupFlags() {
        return ring.setupFlags;
    }

    // ---- ownership ------------------------------------------------------------------------

    /** Binds the port to the calling thread on first use, and refuses every other thread after. */
    void checkOwner() {
        if (owner.claim()) {
            try {
                bindOwner(Thread.currentThread());
            } catch (RuntimeException e) {
                owner.release();
                throw e;
            }
        }
    }

    private void bindOwner(Thread thread) {
        ensurePortOpen();
        if (thread.isVirtual()) {
            // SINGLE_ISSUER binds the ring to a kernel task; a virtual thread can change carrier.
            throw new IllegalStateException("a port must be owned by a platform thread, not a virtual thread");
        }
        ring.enable();
        if (ring.registerFd()) {
            enterFd = ring.registeredIndex();
            enterFlags = IORING_ENTER_REGISTERED_RING;
        }
        wakerArmed = waker.start(ring.fd, submissions, messageRingWakeups);
    }

    /** The ring, for tests that break it on purpose. */
    Ring ring() {
        return ring;
    }

    private void ensurePortOpen() {
        if (closed) {
            throw new IllegalStateException("port is closed");
        }
    }

    private UringSocket own(PortSocket socket) {
        checkOwner();
        ensurePortOpen();
        if (!(socket instanceof UringSocket s) || s.port != this) {
            throw new IllegalArgumentException(socket + " is not registered with this port");
        }
        s.ensureOpen();
        return s;
    }

    // ---- sockets --------------------------------------------------------------------------

    @Override
    public void register(PortSocket socket, long key) {
        checkOwner();
        ensurePortOpen();
        if (!(socket instanceof UringSocket s)) {
            throw new IllegalArgumentException(socket + " is not an io_uring socket");
        }
        if (s.port != null) {
            throw new IllegalStateException(s + " is already registered" + (s.port == this ? "" : " with another port"));
        }
        s.ensureOpen();
        s.port = this;
        s.key = key;
        sockets.add(s);
    }

    /**
     * The socket's {@link PortSocket#remoteAddress()} is the address the accept returned, so it
     * is known even for a connection reset before it was accepted.
     */
    @Override
    public PortSocket adoptAccepted(PortSocket listener, int acceptResult) {
        UringSocket l = own(listener);
        UringSocket adopted = new UringSocket(acceptResult, l.family(), unadopted.take(acceptResult));
        adopted.lingersOnClose = l.lingersOnClose; // Linux copies SO_LINGER to accepted sockets
        return adopted;
    }

    void forget(UringSocket socket) {
        sockets.remove(socket);
    }

    // ---- submissions ----------------------------------------------------------------------
    //
    // Each submit checks everything it can refuse (SubmissionChecks, direct buffers) before it
    // takes a slot: from begin() on nothing may throw, or the slot would never complete and
    // close() would wait for it in vain.

    private long acquire(Operation operation, long key, UringSocket socket) {
        metrics.submitted();
        return operations.acquire(operation.ordinal(), key, socket);
    }

    private long begin(Operation operation, UringSocket socket) {
        long id = acquire(operation, socket.key, socket);
        socket.inFlight++;
        return id;
    }

    @Override
    public long submitAccept(PortSocket listener) {
        UringSocket s = own(listener);
        long id = begin(Operation.ACCEPT, s);
        int slot = UserData.slot(id);
        // The kernel writes the peer's address into the slot's scratch as it accepts: the one
        // moment the address is sure to be known (getpeername fails once the peer has reset).
        submissions.prepare(IORING_OP_ACCEPT, s.fd, id).opFlags(SOCK_NONBLOCK | SOCK_CLOEXEC)
                .address(operations.acceptAddress(slot)).offset(operations.acceptAddressLength(slot));
        return id;
    }

    @Override
    public long submitConnect(PortSocket socket, InetSocketAddress remote) {
        UringSocket s = own(socket);
        SubmissionChecks.connectTarget(s, remote);
        long id = begin(Operation.CONNECT, s);
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long at = operations.scratchBase(slot) + OperationTable.SOCKADDR;
        int length = Sockaddr.encode(scratch, at, remote, s.domain);
        submissions.prepare(IORING_OP_CONNECT, s.fd, id).address(scratch.address() + at).offset(length);
        return id;
    }

    @Override
    public long submitReceive(PortSocket socket, ByteBuffer buffer) {
        UringSocket s = own(socket);
        SubmissionChecks.receiveBuffer(buffer);
        long address = DirectBuffers.address(buffer);
        if (s.streamId != 0) {
            throw new IllegalStateException(s + " has a stream receive in flight: no other receive beside it");
        }
        long id = begin(Operation.RECEIVE, s);
        s.receivesInFlight++;
        operations.pin(UserData.slot(id), buffer);
        submissions.prepare(IORING_OP_RECV, s.fd, id).address(address).length(buffer.remaining())
                // When the last receive drained the socket, the next one would only find it empty
                // and then arm a poll: POLL_FIRST (5.19) skips the futile attempt.
                .ioprio(s.inputPending ? 0 : IORING_RECVSEND_POLL_FIRST);
        return id;
    }

    /**
     * A receive with {@code IOSQE_BUFFER_SELECT} from the port's {@link ReceiveBuffers}: multishot
     * (6.0) where the settings allow, so one SQE serves the whole stream; otherwise, and whenever
     * the kernel ends the request after data (the CQ was full), the port arms it again itself.
     */
    @Override
    public long submitReceiveStream(PortSocket socket) {
        UringSocket s = own(socket);
        if (s.streamId != 0 || s.receivesInFlight > 0) {
            throw new IllegalStateException(s + " already has a " + (s.streamId != 0 ? "stream " : "")
                    + "receive in flight");
        }
        ReceiveBuffers buffers = receiveBuffers();
        metrics.submitted();
        long id = operations.acquire(UserData.KIND_RECEIVE_STREAM, s.key, s);
        s.inFlight++;
        s.streamId = id;
        s.streamCancelId = 0;
        s.streamEndedForCancel = 0;
        armStream(s, id, buffers);
        return id;
    }

    private ReceiveBuffers receiveBuffers() {
        if (receiveBuffers == null) {
            try {
                receiveBuffers = ReceiveBuffers.open(arena, ring.fd, receiveSettings, metrics);
            } catch (PortException e) {
                throw new UncheckedIOException("cannot set up the port's receive buffers", e);
            }
        }
        return receiveBuffers;
    }

    private void armStream(UringSocket s, long id, ReceiveBuffers buffers) {
        short ioprio = receiveSettings.multishot() ? IORING_RECV_MULTISHOT : 0;
        if (!s.inputPending) {
            ioprio |= IORING_RECVSEND_POLL_FIRST; // as in submitReceive: the socket was drained
        }
        // Multishot: len 0, each arrival may fill the buffer the kernel picks (and 0 is required
        // before 6.17). Single-shot: the buffer size, since only 6.0 made 0 mean "the whole
        // buffer" (5.19 reads 0 bytes); the kernel clamps it to the entry's length.
        submissions.prepare(IORING_OP_RECV, s.fd, id).flags(IOSQE_BUFFER_SELECT).bufferGroup(buffers.group())
                .length(receiveSettings.multishot() ? 0 : buffers.bufferSize()).ioprio(ioprio);
    }

    @Override
    public ByteBuffer receivedBytes() {
        ByteBuffer bytes = received;
        if (bytes == null) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        return bytes;
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer buffer) {
        UringSocket s = own(socket);
        SubmissionChecks.sendBuffer(buffer);
        long address = DirectBuffers.address(buffer);
        long id = begin(Operation.SEND, s);
        operations.pin(UserData.slot(id), buffer);
        submissions.prepare(IORING_OP_SEND, s.fd, id).address(address).length(buffer.remaining()).opFlags(MSG_NOSIGNAL);
        return id;
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer[] buffers, int offset, int length) {
        SubmissionChecks.gather(buffers, offset, length);
        if (length == 1) {
            return submitSend(socket, buffers[offset]);
        }
        UringSocket s = own(socket);
        for (int i = offset; i < offset + length; i++) {
            DirectBuffers.address(buffers[i]); // rejects heap buffers before anything is claimed
        }
        long id = begin(Operation.SEND, s);
        int slot = UserData.slot(id);
        operations.pin(slot, buffers, offset, length);
        long iovecs = operations.writeIovecs(slot, buffers, offset, length);
        MemorySegment scratch = operations.scratch(slot);
        long msghdr = operations.scratchBase(slot) + OperationTable.MSGHDR;
        scratch.asSlice(msghdr, 56).fill((byte) 0);
        scratch.set(JAVA_LONG, msghdr + 16, iovecs);   // msg_iov
        scratch.set(JAVA_LONG, msghdr + 24, length);   // msg_iovlen
        submissions.prepare(IORING_OP_SENDMSG, s.fd, id).address(scratch.address() + msghdr).opFlags(MSG_NOSIGNAL);
        return id;
    }

    /**
     * Splices the file through a pipe into the socket ({@link SpliceSends}). The splice from the
     * file runs in io-wq where the file's descriptor can be read ({@link FileChannelDescriptors});
     * elsewhere the JDK moves the pages into the pipe in this call ({@code sendfile(2)}), which
     * waits for the disk if the range is not in the page cache.
     */
    @Override
    public long submitSendFile(PortSocket socket, FileChannel file, long position, int count) {
        UringSocket s = own(socket);
        SubmissionChecks.sendFile(file, position, count);
        long id = begin(Operation.SEND_FILE, s);
        splices.start(id, s, file, position, count);
        return id;
    }

    @Override
    public long submitShutdown(PortSocket socket, ShutdownMode mode) {
        UringSocket s = own(socket);
        int how = shutdownHow(SubmissionChecks.shutdownMode(mode));
        long id = begin(Operation.SHUTDOWN, s);
        submissions.prepare(IORING_OP_SHUTDOWN, s.fd, id).length(how);
        return id;
    }

    static int shutdownHow(ShutdownMode mode) {
        return switch (mode) {
            case INPUT -> SHUT_RD;
            case OUTPUT -> SHUT_WR;
            case BOTH -> SHUT_RDWR;
        };
    }

    @Override
    public long submitClose(PortSocket socket) {
        return beginClose(own(socket));
    }

    /**
     * Cancels what is in flight on a socket and closes it.
     *
     * <p><b>Lingering sockets.</b> With SO_LINGER above 0, whoever drops the file's last
     * reference runs the TCP close, which blocks until the peer has acknowledged what is unsent
     * or the linger time is up. IORING_OP_CLOSE removes the fd inline in the submitting thread
     * (sockets have no {@code ->flush}), and the final {@code fput} then queues {@code __fput} as
     * task work of that thread: the owner would block on its way out of io_uring_enter. With
     * IOSQE_ASYNC an io-wq worker runs the close, so the last reference is dropped, and the
     * linger waited out, in that worker ({@code fput} defers to the current task's task work,
     * which io-wq workers run themselves). That only holds if the close drops the last
     * reference: a cancelled request still holds one until it is freed, which happens on the
     * owner. So a lingering socket's close is handed to the kernel only once its cancelled
     * operations have completed. The CLOSE completion then arrives when the descriptor is
     * released; the linger itself may go on in io-wq after it.
     */
    private long beginClose(UringSocket s) {
        // The close is not counted in inFlight: inFlight tells when it may be delivered.
        long id = acquire(Operation.CLOSE, s.key, s);
        s.state = UringSocket.State.CLOSING;
        if (s.inFlight > 0) {
            // Closing an fd does not cancel io_uring requests on it (they hold their own file
            // reference), so cancel them first. Cancellation runs synchronously at submit time,
            // in SQE order, so their completions are posted before the close's.
            submissions.prepare(IORING_OP_ASYNC_CANCEL, s.fd, INTERNAL_CANCEL)
                    .opFlags(IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL);
            // A send-file's splices look the descriptor up only when io-wq runs them: closed
            // under them, the number could already name another connection.
            if (s.lingersOnClose || s.splicing > 0) {
                s.deferredCloseId = id; // prepared in complete() once inFlight reaches 0
                return id;
            }
        }
        prepareClose(s, id);
        return id;
    }

    private void prepareClose(UringSocket s, long id) {
        submissions.prepare(IORING_OP_CLOSE, s.fd, id).flags(s.lingersOnClose ? IOSQE_ASYNC : 0);
    }

    @Override
    public long submitCancel(PortSocket socket, long operationId) {
        UringSocket s = socket == null ? null : own(socket);
        checkOwner();
        ensurePortOpen();
        if (operations.isInFlight(operationId) && operations.socket(UserData.slot(operationId)) != s) {
            throw new IllegalArgumentException("operation 0x" + Long.toHexString(operationId) + " is not one of "
                    + (s == null ? "the port's timers" : s));
        }
        long id = s == null ? acquire(Operation.CANCEL, 0L, null) : begin(Operation.CANCEL, s);
        if (s != null && operationId == s.streamId && s.streamCancelId == 0) {
            s.streamCancelId = id; // should the kernel end it before the cancel lands, it is not re-armed
        }
        submissions.prepare(IORING_OP_ASYNC_CANCEL, -1, id).address(splices.cancelTarget(operationId));
        return id;
    }

    @Override
    public long submitTimeout(long key, long nanos) {
        checkOwner();
        ensurePortOpen();
        if (nanos < 0) {
            throw new IllegalArgumentException("timeout must not be negative: " + nanos);
        }
        long id = acquire(Operation.TIMEOUT, key, null);
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long at = operations.scratchBase(slot) + OperationTable.TIMESPEC;
        scratch.set(JAVA_LONG, at, nanos / 1_000_000_000L);
        scratch.set(JAVA_LONG, at + 8, nanos % 1_000_000_000L);
        submissions.prepare(IORING_OP_TIMEOUT, -1, id).address(scratch.address() + at).length(1);
        return id;
    }

    @Override
    public long submitNop(long key) {
        checkOwner();
        ensurePortOpen();
        long id = acquire(Operation.NOP, key, null);
        submissions.prepare(IORING_OP_NOP, -1, id);
        return id;
    }

    private void armWaker() {
        waker.arm(submissions);
        wakerArmed = true;
    }

    // ---- dequeue --------------------------------------------------------------------------

    @Override
    public int dequeue(CompletionHandler handler, int max, long timeoutNanos) throws IOException {
        checkOwner();
        ensurePortOpen();
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        if (dequeuing) {
            throw new IllegalStateException("dequeue called from its own completion handler");
        }
        dequeuing = true;
        try {
            boolean ready = completions.ready() > 0 || !posts.isEmpty() || !heldCloses.isEmpty() || !streamEnds.isEmpty();
            submitAndWait(ready ? 0 : timeoutNanos);
            int delivered = reap(handler, max);
            delivered += deliverStreamEnds(handler, max - delivered);
            delivered += deliverHeldCloses(handler, max - delivered);
            if (delivered < max) {
                delivered += posts.drain(handler, max - delivered);
            }
            metrics.dequeued(delivered);
            return delivered;
        } finally {
            dequeuing = false;
            unadopted.closeAll(); // what the handler did not adopt is declined
        }
    }

    /**
     * Hands staged operations to the kernel and, if {@code timeoutNanos != 0}, waits for a
     * completion in the same system call.
     */
    private void submitAndWait(long timeoutNanos) throws PortException {
        while (submissions.flushBacklog() > 0) {
            // More is staged than the ring holds: submit a ringful and keep going.
            submissions.publish();
            int rc = enter(submissions.unsubmitted(), 0, IORING_ENTER_GETEVENTS, 0L, 0L);
            if (rc == -Errno.EBUSY || rc == -Errno.EAGAIN) {
                break; // the kernel wants its completions reaped first; the rest waits
            }
        }
        submissions.publish();
        int toSubmit = submissions.unsubmitted();
        boolean wait = timeoutNanos != 0 && submissions.backlogged() == 0;
        if (wait && !waker.prepareToWait()) {
            wait = false;
        } else if (wait && (!posts.isEmpty() || completions.ready() > 0)) {
            // A post raced with us between the caller's check and prepareToWait.
            waker.awake();
            wait = false;
        }
        if (!wait) {
            // DEFER_TASKRUN: network completions wait as task work until we enter with
            // GETEVENTS; TASKRUN says some is pending, CQ_OVERFLOW that the kernel holds CQEs back.
            if (toSubmit > 0 || (submissions.ringFlags() & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0) {
                enter(toSubmit, 0, IORING_ENTER_GETEVENTS, 0L, 0L);
            }
            return;
        }
        try {
            waitFor(toSubmit, timeoutNanos);
        } finally {
            waker.awake();
        }
    }

    /**
     * Submits and waits for one completion, at most {@code timeoutNanos} (forever when
     * negative), passing the timeout through {@code IORING_ENTER_EXT_ARG} (5.11).
     */
    private void waitFor(int toSubmit, long timeoutNanos) throws PortException {
        long timespec = 0L; // NULL: no timeout
        if (timeoutNanos > 0) {
            long at = IoUringLayouts.GETEVENTS_ARG.byteSize();
            waitArgument.set(JAVA_LONG, at, timeoutNanos / 1_000_000_000L);
            waitArgument.set(JAVA_LONG, at + 8, timeoutNanos % 1_000_000_000L);
            timespec = waitArgument.address() + at;
        }
        waitArgument.set(JAVA_LONG, 0, 0L); // no signal mask
        waitArgument.set(JAVA_INT, IoUringLayouts.GETEVENTS_SIGMASK_SZ, 8);
        waitArgument.set(JAVA_LONG, IoUringLayouts.GETEVENTS_TS, timespec);
        enter(toSubmit, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, waitArgument.address(),
                IoUringLayouts.GETEVENTS_ARG.byteSize());
    }

    private int enter(int toSubmit, int minComplete, int flags, long argument, long argumentSize) throws PortException {
        metrics.enteredKernel(minComplete > 0);
        metrics.completionQueueSampled((submissions.ringFlags() & IORING_SQ_CQ_OVERFLOW) != 0,
                Integer.toUnsignedLong(completions.overflowCount()));
        int rc = Syscalls.ioUringEnter(enterFd, toSubmit, minComplete, flags | enterFlags, argument, argumentSize);
        if (rc >= 0 || rc == -Errno.ETIME || rc == -Errno.EINTR || rc == -Errno.EBUSY || rc == -Errno.EAGAIN) {
            return rc;
        }
        throw new PortException("io_uring_enter(submit " + toSubmit + ", wait " + minComplete + "): "
                + Errno.describe(rc), rc);
    }

    /** Delivers up to {@code budget} CQEs; internal ones are consumed without counting. */
    private int reap(CompletionHandler handler, int budget) {
        int delivered = 0;
        int ready;
        while (delivered < budget && (ready = completions.ready()) > 0) {
            int consumed = 0;
            try {
                while (consumed < ready && delivered < budget) {
                    long entry = completions.entry(consumed);
                    long userData = completions.userData(entry);
                    int result = completions.result(entry);
                    int flags = completions.flags(entry);
                    consumed++;
                    delivered += complete(userData, result, flags, handler);
                }
            } finally {
                completions.advance(consumed);
                if (receiveBuffers != null) {
                    receiveBuffers.publish(); // the buffers handled so far, before the kernel runs receives again
                }
            }
        }
        return delivered;
    }

    /** Routes one CQE; returns how many completions reached the handler (0 or 1). */
    private int complete(long userData, int result, int cqeFlags, CompletionHandler handler) {
        int kind = UserData.kind(userData);
        if (kind == UserData.KIND_WAKEUP) {
            if (!waker.usesMessageRing()) {
                wakerArmed = false;
                if (!closed) {
                    armWaker();
                }
            }
            return 0;
        }
        if (kind == UserData.KIND_INTERNAL_CANCEL) {
            return 0;
        }
        if (kind == UserData.KIND_RECEIVE_STREAM) {
            return streamCompleted(userData, result, cqeFlags, handler);
        }
        if (kind >= UserData.KIND_SPLICE_IN && kind <= UserData.KIND_SPLICE_DONE) {
            result = splices.stepCompleted(userData, kind, result);
            if (result == SpliceSends.IN_PROGRESS) {
                return 0;
            }
            kind = Operation.SEND_FILE.ordinal(); // its last step: the send-file completes
            userData = UserData.withKind(userData, kind);
        }
        int slot = operations.slotOf(userData);
        long key = operations.key(slot);
        UringSocket socket = operations.socket(slot);
        Operation operation = Operation.ofOrdinal(kind);
        if (operation == Operation.CLOSE) {
            return closeCompleted(slot, socket, userData, result, handler);
        }
        if (operation == Operation.ACCEPT && result >= 0) {
            unadopted.add(result, operations.acceptedPeer(slot)); // before the slot is reused
        }
        operations.release(slot); // the kernel is done with the slot's memory
        int flags = 0;
        switch (operation) {
            case TIMEOUT -> result = result == -Errno.ETIME ? 0 : result;
            // 6.10 and newer say whether more connections wait in the accept queue.
            case ACCEPT -> flags = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0 ? CompletionFlags.INPUT_PENDING : 0;
            case RECEIVE -> {
                boolean pending = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
                flags = pending ? CompletionFlags.INPUT_PENDING : 0;
                socket.inputPending = pending;
                socket.receivesInFlight--;
            }
            // A stream the port ended itself because this cancel asked it to (it had run out of
            // buffers, or was re-armed, when the cancel came): the cancel did find it.
            case CANCEL -> {
                if (socket != null && result == -Errno.ENOENT && socket.streamEndedForCancel == userData) {
                    socket.streamEndedForCancel = 0;
                    result = 0;
                }
            }
            default -> { }
        }
        if (socket != null) {
            operationDone(socket);
        }
        handler.onCompletion(key, operation, result, flags, userData);
        return 1;
    }

    /** One of the socket's operations has completed: a close waiting for the last one goes ahead. */
    private void operationDone(UringSocket socket) {
        if (--socket.inFlight == 0) {
            if (socket.heldCloseId != 0) {
                heldCloses.add(socket);
            } else if (socket.deferredCloseId != 0) {
                prepareClose(socket, socket.deferredCloseId); // nothing else holds the file now
                socket.deferredCloseId = 0;
            }
        }
    }

    // ---- stream receives ------------------------------------------------------------------

    /**
     * Routes a CQE of a stream receive. Data is delivered flagged MORE; the kernel's request
     * ending (no {@code F_MORE}) ends the stream only when it ends without data and not for want
     * of buffers: otherwise the port re-arms it, so callers see one stream until EOF, an error or
     * their cancellation.
     */
    private int streamCompleted(long userData, int result, int cqeFlags, CompletionHandler handler) {
        int slot = operations.slotOf(userData);
        UringSocket s = operations.socket(slot);
        boolean pending = (cqeFlags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
        s.inputPending = pending;
        boolean requestEnded = (cqeFlags & IORING_CQE_F_MORE) == 0;
        if (result > 0) {
            if (requestEnded) {
                // A single-shot receive always, a multishot one when its CQE could not be posted.
                if (streamMayGoOn(s)) {
                    armStream(s, userData, receiveBuffers);
                } else {
                    s.streamEndedForCancel = s.streamCancelId;
                    streamEnds.add(s); // the final completion follows the data, from dequeue
                }
            }
            deliverReceived(operations.key(slot), userData, result, cqeFlags, pending, handler);
            return 1;
        }
        if ((cqeFlags & IORING_CQE_F_BUFFER) != 0 && (cqeFlags & IORING_CQE_F_BUF_MORE) == 0) {
            receiveBuffers.giveBack(cqeFlags >>> IORING_CQE_BUFFER_SHIFT); // not expected without data
        }
        if (!requestEnded) {
            return 0; // not expected either: an armed request reports nothing
        }
        if (result == -Errno.ENOBUFS) {
            // The ring was empty: the data waits in the socket until buffers are back.
            receiveBuffers.exhausted();
            if (streamMayGoOn(s)) {
                armStream(s, userData, receiveBuffers);
                return 0;
            }
            s.streamEndedForCancel = s.streamCancelId;
            result = -Errno.ECANCELED;
        }
        return endStream(slot, s, result, userData, handler);
    }

    private boolean streamMayGoOn(UringSocket s) {
        return !closed && s.state == UringSocket.State.OPEN && s.streamCancelId == 0;
    }

    private void deliverReceived(long key, long userData, int result, int cqeFlags, boolean pending,
                                 CompletionHandler handler) {
        int bufferId = cqeFlags >>> IORING_CQE_BUFFER_SHIFT;
        boolean kernelKeepsIt = (cqeFlags & IORING_CQE_F_BUF_MORE) != 0;
        received = receiveBuffers.received(bufferId, result, kernelKeepsIt);
        try {
            handler.onCompletion(key, Operation.RECEIVE, result,
                    CompletionFlags.MORE | (pending ? CompletionFlags.INPUT_PENDING : 0), userData);
        } finally {
            received = null;
            if (!kernelKeepsIt) {
                receiveBuffers.giveBack(bufferId);
            }
        }
    }

    private int endStream(int slot, UringSocket s, int result, long userData, CompletionHandler handler) {
        long key = operations.key(slot);
        s.streamId = 0;
        operations.release(slot);
        operationDone(s);
        handler.onCompletion(key, Operation.RECEIVE, result, 0, userData);
        return 1;
    }

    private int deliverStreamEnds(CompletionHandler handler, int budget) {
        int delivered = 0;
        while (delivered < budget && !streamEnds.isEmpty()) {
            UringSocket s = streamEnds.poll();
            long id = s.streamId;
            delivered += endStream(operations.slotOf(id), s, -Errno.ECANCELED, id, handler);
        }
        return delivered;
    }

    private int closeCompleted(int slot, UringSocket socket, long userData, int result, CompletionHandler handler) {
        socket.state = UringSocket.State.CLOSED;
        forget(socket);
        if (socket.inFlight > 0) {
            // A cancelled operation has not reported yet: the close waits for it, so the handler
            // never sees a completion of a socket after its close. It keeps its slot until it is
            // delivered, so that pendingOperations() still counts it.
            socket.heldCloseId = userData;
            socket.heldCloseResult = result;
            return 0;
        }
        operations.release(slot);
        handler.onCompletion(socket.key, Operation.CLOSE, result, 0, userData);
        return 1;
    }

    private int deliverHeldCloses(CompletionHandler handler, int budget) {
        int delivered = 0;
        while (delivered < budget && !heldCloses.isEmpty()) {
            UringSocket socket = heldCloses.poll();
            long id = socket.heldCloseId;
            socket.heldCloseId = 0;
            operations.release(operations.slotOf(id));
            delivered++;
            handler.onCompletion(socket.key, Operation.CLOSE, socket.heldCloseResult, 0, id);
        }
        return delivered;
    }

    // ---- any thread -----------------------------------------------------------------------

    @Override
    public void post(long key, int value) {
        ensurePortOpen();
        posts.add(key, value);
        waker.wakeup();
    }

    @Override
    public void wakeup() {
        waker.wakeup();
    }

    /** Receive buffers allocated so far (0 before the first stream receive). */
    int receiveBufferCount() {
        return receiveBuffers == null ? 0 : receiveBuffers.count();
    }

    /** The bytes of the receive buffers allocated so far. */
    long receiveBufferBytes() {
        return receiveBuffers == null ? 0 : (long) receiveBuffers.count() * receiveBuffers.bufferSize();
    }

    /** Whether released operation scratch is poisoned. */
    boolean poisonsReleasedScratch() {
        return operations.poisonsReleased();
    }

    /** Whether each enter names the ring by its registered index rather than its fd. */
    boolean usesRegisteredRingFd() {
        return (enterFlags & IORING_ENTER_REGISTERED_RING) != 0;
    }

    /** Whether wake-ups use SEND_MSG_RING rather than the eventfd. */
    boolean wakesWithMessageRing() {
        return waker.usesMessageRing();
    }

    /** Counts a CLOSE held back for its socket's cancelled operations too: it keeps its slot until delivered. */
    @Override
    public int pendingOperations() {
        return operations.inUse();
    }

    @Override
    public PortMetrics metrics() {
        return metrics.view();
    }

    // ---- close ----------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Whatever happens while draining (io_uring_enter failing, or operations that do not
     * complete in time), the sockets, the waker and the ring are released, and the failure is
     * thrown afterwards. Only the memory of operations that never completed is kept: the kernel
     * may still write it.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (owner.isClaimed()) {
            checkOwner();
        }
        if (dequeuing) {
            throw new IllegalStateException("close called from a completion handler");
        }
        boolean drained = false;
        try {
            drained = !owner.isClaimed() || drainInFlight();
        } finally {
            closed = true;
            release(drained);
        }
    }

    /** The second half of close(): lets go of everything, whether or not the drain finished. */
    private void release(boolean drained) {
        for (UringSocket socket : new ArrayList<>(sockets)) {
            // A socket still CLOSING has a close the kernel never finished: leave its fd alone,
            // unless that close was never handed to the kernel at all.
            if (socket.state == UringSocket.State.OPEN || socket.deferredCloseId != 0) {
                socket.state = UringSocket.State.CLOSED;
                socket.deferredCloseId = 0;
                Syscalls.close(socket.fd);
            }
        }
        sockets.clear();
        unadopted.closeAll();
        splices.close();
        waker.close();
        ring.close();
        metrics.closed();
        if (drained) {
            arena.close();
            return;
        }
        // Freeing memory the kernel may still write would be a use-after-free: the arena stays
        // open, and the table, which holds the caller's buffers, stays reachable for good.
        NEVER_FREED.add(operations);
        LOG.log(Level.WARNING, "io_uring port closed with {0} operation(s) that did not complete after being "
                + "cancelled; their memory is kept, not freed", operations.inUse());
    }

    /**
     * Cancels everything in flight and reaps until every operation (and the waker's read) has
     * completed.
     *
     * @return whether all completed in time
     */
    private boolean drainInFlight() throws PortException {
        closed = true; // from here on, completions do not re-arm the waker
        splices.portClosing();
        submissions.prepare(IORING_OP_ASYNC_CANCEL, -1, INTERNAL_CANCEL)
                .opFlags(IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
        for (UringSocket socket : new ArrayList<>(sockets)) {
            if (socket.state == UringSocket.State.OPEN && socket.lingersOnClose) {
                beginClose(socket); // in io-wq, not in release() on this thread: it would linger here
            }
        }
        long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
        while (operations.inUse() > 0 || wakerArmed || submissions.backlogged() > 0 || submissions.unsubmitted() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            submissions.flushBacklog();
            submissions.publish();
            waitFor(submissions.unsubmitted(), Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            reap(DROP, Integer.MAX_VALUE);
            deliverStreamEnds(DROP, Integer.MAX_VALUE);
            deliverHeldCloses(DROP, Integer.MAX_VALUE); // frees their slots
        }
        return true;
    }

    @Override
    public String toString() {
        return "IoUringPort[fd=" + ring.fd + ", " + IoUringProbe.setupFlagNames(ring.setupFlags) + ", in flight "
                + operations.inUse() + "]";
    }
}
