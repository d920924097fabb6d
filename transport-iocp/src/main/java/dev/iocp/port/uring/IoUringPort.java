package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;
import dev.iocp.port.internal.OwnerThread;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortException;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ReceiveBufferSource;
import dev.iocp.port.internal.PostQueue;
import dev.iocp.port.SendSegments;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.SockaddrUn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.iocp.port.uring.sys.LinuxConstants.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A completion port on one io_uring instance.
 *
 * <p>Each {@link #dequeue} makes one {@code io_uring_enter}: it submits everything staged since
 * the last call and, when nothing is ready, waits in the same call, with the timeout passed
 * through {@code IORING_ENTER_EXT_ARG} rather than a timeout SQE. Completions are read in place
 * from the CQ ring. Wake-ups post a CQE into the ring from the waking thread ({@link Waker}).
 *
 * <p>This class takes submissions and owns the port's lifecycle; entering the kernel and routing
 * each completion to its operation is {@link RingDriver}'s.
 */
public final class IoUringPort implements CompletionPort {
    private static final Logger LOG = Logger.getLogger(IoUringPort.class.getName());

    /**
     * What ports closed before the kernel finished with them hold (operation tables, stream receives):
     * the kernel may still write into their native memory (never freed) and the buffers they pin.
     */
    private static final Set<Object> NEVER_FREED = ConcurrentHashMap.newKeySet();
    /**
     * {@code eventfd} forces the eventfd wake-up that kernels before 6.13 get, to compare the two
     * or to work around a kernel problem; anything else lets the port use SEND_MSG_RING.
     */
    static final String WAKEUP_PROPERTY = "dev.iocp.uring.wakeup";

    private final IoUringBackend backend;
    private final Arena arena = Arena.ofShared();
    private final Ring ring;
    private final SubmissionQueue submissions;
    private final OperationTable operations;
    private final SpliceSends splices;
    private final SendSubmissions sends;
    private final DatagramSubmissions datagrams;
    private final DescriptorMessages descriptors;
    private final Waker waker;
    private final PostQueue posts = new PostQueue();
    private final RegisteredSockets sockets = new RegisteredSockets();
    private final boolean messageRingWakeups;
    private final SocketCloses closes;
    private final UnadoptedAccepts unadopted = new UnadoptedAccepts();
    private final PortMetricsRecorder metrics;
    private final StreamReceives streams;

    private final OwnerThread owner = new OwnerThread();
    private final RingDriver driver;
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
        this.metrics = new PortMetricsRecorder(backend.name(), owner, this::pendingOperations);
        this.messageRingWakeups = messageRingWakeups && !"eventfd".equals(System.getProperty(WAKEUP_PROPERTY));
        Ring r = null;
        MemorySegment waitArgument;
        Waker w = null;
        try {
            waitArgument = arena.allocate(IoUringLayouts.GETEVENTS_ARG.byteSize() + IoUringLayouts.TIMESPEC.byteSize(), 8);
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
        this.operations = new OperationTable(arena, poisonReleasedScratch);
        this.splices = new SpliceSends(r.submissions, operations);
        this.closes = new SocketCloses(submissions, operations, this::forget);
        this.streams = new StreamReceives(arena, r.fd, submissions, operations, metrics, receiveSettings,
                closes::operationDone);
        this.sends = new SendSubmissions(submissions, operations, IoUringProbe.RESULT.zeroCopySends());
        this.datagrams = new DatagramSubmissions(submissions, operations, metrics, closes::operationDone);
        this.descriptors = new DescriptorMessages(submissions, operations, metrics, closes::operationDone);
        this.driver = new RingDriver(this, r, operations, splices, sends, datagrams, descriptors, w, posts, closes,
                unadopted, metrics, streams, waitArgument);
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
            driver.enterByRegisteredIndex(ring.registeredIndex());
        }
        driver.startWaker(messageRingWakeups);
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
        adopted.adoptedBy(l);
        return adopted;
    }

    /** Slots the operation table has now, in use or free (its size, for tests). */
    int operationSlots() {
        return operations.capacity();
    }

    void forget(UringSocket socket) {
        unparkAccept(socket);
        sockets.remove(socket);
    }

    /** Frees the slot a listener kept for its next accept: it will not accept again. */
    private void unparkAccept(UringSocket socket) {
        if (socket.parkedAcceptSlot >= 0) {
            operations.unpark(socket.parkedAcceptSlot);
            socket.parkedAcceptSlot = -1;
        }
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
        SubmissionChecks.streamSocket(listener);
        UringSocket s = own(listener);
        long id;
        if (s.parkedAcceptSlot >= 0) {
            metrics.submitted();
            id = operations.acquireParked(s.parkedAcceptSlot, Operation.ACCEPT.ordinal(), s.key, s);
            s.parkedAcceptSlot = -1;
            s.inFlight++;
        } else {
            id = begin(Operation.ACCEPT, s);
        }
        int slot = UserData.slot(id);
        if (s.isUnixDomain()) {
            // No address: a Unix-domain peer is nearly always unnamed, and getpeername keeps
            // answering after the peer has gone, so the accepted socket asks when it is asked.
            submissions.prepare(IORING_OP_ACCEPT, s.fd, id).opFlags(SOCK_NONBLOCK | SOCK_CLOEXEC);
            return id;
        }
        // The kernel writes the peer's address into the slot's scratch as it accepts: the one
        // moment the address is sure to be known (getpeername fails once the peer has reset).
        submissions.prepare(IORING_OP_ACCEPT, s.fd, id).opFlags(SOCK_NONBLOCK | SOCK_CLOEXEC)
                .address(operations.acceptAddress(slot)).offset(operations.acceptAddressLength(slot));
        return id;
    }

    @Override
    public long submitConnect(PortSocket socket, SocketAddress remote) {
        UringSocket s = own(socket);
        SubmissionChecks.connectTarget(s, remote);
        if (s.isUnixDomain()) {
            SockaddrUn.checkFits(remote); // refused before a slot is taken
        }
        long id = begin(Operation.CONNECT, s);
        int slot = UserData.slot(id);
        MemorySegment scratch = operations.scratch(slot);
        long at = operations.scratchBase(slot) + (s.isUnixDomain() ? OperationTable.SOCKADDR_UN : OperationTable.SOCKADDR);
        int length = s.encode(scratch, at, remote);
        submissions.prepare(IORING_OP_CONNECT, s.fd, id).address(scratch.address() + at).offset(length);
        return id;
    }

    @Override
    public long submitReceive(PortSocket socket, ByteBuffer buffer) {
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        SubmissionChecks.receiveBuffer(buffer);
        long address = DirectBuffers.address(buffer);
        s.ensureNoStream();
        long id = begin(Operation.RECEIVE, s);
        s.receivesInFlight++;
        operations.pin(UserData.slot(id), buffer);
        submissions.prepare(IORING_OP_RECV, s.fd, id).address(address).length(buffer.remaining())
                // When the last receive drained the socket, the next one would only find it empty
                // and then arm a poll: POLL_FIRST (5.19) skips the futile attempt.
                .ioprio(s.inputPending ? 0 : IORING_RECVSEND_POLL_FIRST);
        return id;
    }

    /** See {@link StreamReceives}. */
    @Override
    public long submitReceiveStream(PortSocket socket) {
        SubmissionChecks.streamSocket(socket);
        return streams.submit(own(socket));
    }

    @Override
    public ByteBuffer receivedBytes() {
        return streams.receivedBytes();
    }

    @Override
    public boolean receiveBuffersFrom(ReceiveBufferSource<?> source) {
        checkOwner();
        return streams.receiveBuffersFrom(source);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <B> B takeReceived() {
        checkOwner();
        return (B) streams.takeReceived();
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer buffer) {
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        SubmissionChecks.sendBuffer(buffer);
        long address = DirectBuffers.address(buffer);
        long id = begin(Operation.SEND, s);
        operations.pin(UserData.slot(id), buffer);
        sends.prepare(s.fd, id, address, buffer.remaining());
        return id;
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer[] buffers, int offset, int length) {
        SubmissionChecks.streamSocket(socket);
        SubmissionChecks.gather(buffers, offset, length);
        if (length == 1) {
            return submitSend(socket, buffers[offset]);
        }
        UringSocket s = own(socket);
        for (int i = offset; i < offset + length; i++) {
            DirectBuffers.requireDirect(buffers[i]); // before anything is claimed
        }
        long id = begin(Operation.SEND, s);
        operations.pin(UserData.slot(id), buffers, offset, length);
        sends.prepareGather(s.fd, id, buffers, offset, length);
        return id;
    }

    @Override
    public long submitSend(PortSocket socket, SendSegments segments) {
        return submitSegments(socket, segments, false);
    }

    /** SEND_ZC or SENDMSG_ZC: the result, then the notification ({@link ZeroCopySends}). */
    @Override
    public long submitZeroCopySend(PortSocket socket, SendSegments segments) {
        return submitSegments(socket, segments, true);
    }

    private long submitSegments(PortSocket socket, SendSegments segments, boolean zeroCopy) {
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        int count = sends.stage(segments);
        long id = begin(Operation.SEND, s);
        sends.prepareStaged(s.fd, id, count, zeroCopy);
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
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        SubmissionChecks.sendFile(file, position, count);
        long id = begin(Operation.SEND_FILE, s);
        splices.start(id, s, file, position, count);
        return id;
    }

    /** A SENDMSG naming the target ({@link DatagramSubmissions#submitSendTo}). */
    @Override
    public long submitSendTo(PortSocket socket, ByteBuffer buffer, InetSocketAddress target) {
        return datagrams.submitSendTo(ownDatagram(socket), buffer, target);
    }

    /** SENDMSGs linked into one chain, as long as the ring holds ({@link DatagramSubmissions#sendChain}). */
    @Override
    public int submitSendsTo(PortSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids) {
        return datagrams.submitSendsTo(ownDatagram(socket), buffers, targets, count, ids);
    }

    /** A RECVMSG whose sender and truncation the completion reads back ({@link DatagramSubmissions}). */
    @Override
    public long submitReceiveFrom(PortSocket socket, ByteBuffer buffer) {
        return datagrams.submitReceiveFrom(ownDatagram(socket), buffer);
    }

    private UringSocket ownDatagram(PortSocket socket) {
        SubmissionChecks.datagramSocket(socket); // before ownership: the wrong kind of socket says so
        return own(socket);
    }

    @Override
    public InetSocketAddress receivedFrom() {
        checkOwner();
        return datagrams.receivedFrom();
    }

    /** A SENDMSG of one byte with the descriptors in an SCM_RIGHTS message ({@link DescriptorMessages}). */
    @Override
    public long submitSendDescriptors(PortSocket socket, int... descriptors) {
        return this.descriptors.submitSend(own(socket), descriptors);
    }

    /** A RECVMSG with room for one message's descriptors ({@link DescriptorMessages}). */
    @Override
    public long submitReceiveDescriptors(PortSocket socket) {
        return descriptors.submitReceive(own(socket));
    }

    @Override
    public int[] adoptReceivedDescriptors() {
        checkOwner();
        return descriptors.adopt();
    }

    @Override
    public long submitShutdown(PortSocket socket, ShutdownMode mode) {
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        int how = UringSocket.shutdownHow(SubmissionChecks.shutdownMode(mode));
        long id = begin(Operation.SHUTDOWN, s);
        submissions.prepare(IORING_OP_SHUTDOWN, s.fd, id).length(how);
        return id;
    }

    /** A {@link PeerClosurePoll}: fires once the FIN or a reset is in, without taking data. */
    @Override
    public long submitPeerClosureWatch(PortSocket socket) {
        SubmissionChecks.streamSocket(socket);
        UringSocket s = own(socket);
        long id = begin(Operation.PEER_CLOSED, s);
        PeerClosurePoll.prepare(submissions, s.fd, id);
        return id;
    }

    @Override
    public boolean watchesPeerClosure() {
        return true;
    }

    @Override
    public long submitClose(PortSocket socket) {
        UringSocket s = own(socket);
        long id = beginClose(s);
        if (s.inFlight == 0 && s.deferredCloseId == 0) {
            // Nothing else holds the file: submitted now, the CLOSE frees the address before this
            // returns, as close(2) does for epoll (else only at the loop's next io_uring_enter).
            try {
                driver.submitStaged();
            } catch (PortException e) { // the loop's next dequeue submits it, and reports the ring
            }
        }
        return id;
    }

    /** See {@link SocketCloses}; the close is not counted in inFlight, which tells when it may be delivered. */
    long beginClose(UringSocket s) {
        unparkAccept(s);
        long id = acquire(Operation.CLOSE, s.key, s);
        closes.begin(s, id);
        return id;
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
        if (s != null && operationId == s.streamId) {
            streams.cancelling(s); // its watch too, so that its end need not wait for the watch
        }
        if (DatagramSubmissions.isDatagramKind(UserData.kind(operationId)) && operations.isInFlight(operationId)) {
            datagrams.cancelling(operationId); // not re-armed should it find no datagram, or no room
        }
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
            return driver.dequeue(handler, max, timeoutNanos);
        } finally {
            dequeuing = false;
            unadopted.closeAll(); // what the handler did not adopt is declined
        }
    }

    /** Whether the port is closed or closing: completions re-arm nothing then. */
    boolean isClosed() {
        return closed;
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
        return streams.bufferCount();
    }

    /** The bytes of the receive buffers allocated so far. */
    long receiveBufferBytes() {
        return streams.bufferBytes();
    }

    /** The zero-copy sends in flight, and whether this kernel has them at all. */
    SendSubmissions sends() {
        return sends;
    }

    /** Whether released operation scratch is poisoned. */
    boolean poisonsReleasedScratch() {
        return operations.poisonsReleased();
    }

    /** Whether each enter names the ring by its registered index rather than its fd. */
    boolean usesRegisteredRingFd() {
        return driver.usesRegisteredRingFd();
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
        unadopted.closeAll();
        splices.close();
        waker.close();
        ring.close();
        sockets.closeLeft(); // after the ring (see there)
        metrics.closed();
        if (drained) {
            try {
                streams.release(); // the ring is gone: the kernel picks no buffer any more
            } finally {
                arena.close();
            }
            return;
        }
        // Freeing memory the kernel may still write would be a use-after-free: the arena stays
        // open, and the table, which holds the caller's buffers, and the receive buffers (the
        // caller's source's, not released) stay reachable for good.
        NEVER_FREED.add(operations);
        NEVER_FREED.add(streams);
        LOG.log(Level.WARNING, "io_uring port closed with {0} operation(s) that did not complete after being "
                + "cancelled; their memory is kept, not freed", operations.inUse());
    }

    /** Cancels and reaps everything in flight ({@link RingDriver#drainInFlight}), the port marked closed first. */
    private boolean drainInFlight() throws PortException {
        closed = true; // from here on, completions do not re-arm the waker
        return driver.drainInFlight(sockets);
    }

    @Override
    public String toString() {
        return "IoUringPort[fd=" + ring.fd + ", " + IoUringProbe.setupFlagNames(ring.setupFlags) + ", in flight "
                + operations.inUse() + "]";
    }
}
