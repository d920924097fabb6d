package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.internal.OwnerThread;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ReceiveBufferSource;
import dev.iocp.port.internal.PostQueue;
import dev.iocp.port.SendSegments;
import dev.iocp.port.ShutdownMode;
import dev.iocp.port.internal.SubmissionChecks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A completion port over one java.nio {@link Selector}: the completion model emulated on
 * readiness, as libuv and Boost.Asio do where the kernel has no completion port.
 *
 * <p><b>From submission to completion.</b> Submitting only records the operation, in the
 * {@link OperationTable} and in its socket's queue for its kind ({@link SocketOperations});
 * nothing runs. Each {@link #dequeue}
 * <ol>
 *   <li>tries, once, the operations submitted since the last call (one non-blocking system call
 *       each; {@link OperationRunner}), then runs the cancels and closes submitted since, in
 *       order ({@link ControlRequests}), as io_uring works through its submission queue;</li>
 *   <li>selects: waits for readiness (unless completions are already queued) no longer than the
 *       caller's timeout and the earliest timer, and on each ready socket runs the operations
 *       that readiness lets proceed;</li>
 *   <li>expires the timers that are due ({@link TimerHeap});</li>
 *   <li>delivers the completions queued before it started delivering, oldest first, then posts;
 *       a stream receive's socket that was found readable is read now, into the port's buffer,
 *       and the bytes handed to the handler at once ({@link StreamReceives}).</li>
 * </ol>
 * Every completion comes from the {@link CompletionQueue}, so a handler never runs inside a
 * submit, even when the I/O could finish at once. Completions of what handlers submit wait for
 * the next call, as on io_uring.
 *
 * <p><b>Cancellation and close.</b> All I/O runs on the owner thread, so an operation is never
 * half-way in the kernel: a cancel finds its target either waiting (taken out of its queue, it
 * completes with -ECANCELED and the cancel with 0) or already completed (-ENOENT), never
 * EALREADY. A close cancels what still waits on the socket and closes its channel; its CLOSE
 * completion is queued after theirs and delivered after a selection, which is when java.nio
 * closes the descriptor of a channel a selector watched. Closing the port drops what was not
 * delivered and closes its sockets and the selector; as nothing is ever half-done, it need not
 * wait for anything.
 *
 * <p>{@link PortConfig} sizes do not apply: every queue here grows as needed.
 *
 * <p><b>Buffers.</b> Direct buffers are used in place; heap buffers work too (java.nio copies
 * them through a temporary direct buffer). A buffer's position and limit are recorded when the
 * operation is submitted and the I/O uses that window; the caller's position is never moved.
 * Stream receives read into one buffer of the port's, 64 KiB, made by the first of them.
 */
public final class NioPort implements CompletionPort {
    private final NioBackend backend;
    private final Selector selector;
    private final SelectorWaker waker;
    private final OperationTable table = new OperationTable();
    private final CompletionQueue completions = new CompletionQueue();
    private final StreamReceives streams = new StreamReceives(table);
    private final TimerHeap timers = new TimerHeap();
    private final AcceptedChannels accepted = new AcceptedChannels();
    private final OperationRunner runner;
    private final CompletionDelivery delivery;
    private final ControlRequests requests;
    private final Consumer<SelectionKey> onReady;
    private final LingeringCloses.FinishedClose onLingeringCloseReturned = this::lingeringCloseReturned;
    private final PostQueue posts = new PostQueue();
    private final SegmentBuffers segmentBuffers = new SegmentBuffers();
    private final LingeringCloses lingering;
    private final Set<NioSocket> sockets = new HashSet<>();

    private final OwnerThread owner = new OwnerThread();
    private final PortMetricsRecorder metrics;
    private boolean dequeuing;
    private volatile boolean closed;

    NioPort(NioBackend backend, PortConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        this.backend = backend;
        this.metrics = new PortMetricsRecorder(backend.name(), owner, this::pendingOperations);
        this.selector = Selector.open();
        this.waker = new SelectorWaker(selector, metrics);
        this.runner = new OperationRunner(table, completions, accepted, selector);
        this.delivery = new CompletionDelivery(table, completions, streams, runner, accepted, this::forget);
        this.lingering = new LingeringCloses(waker);
        this.requests = new ControlRequests(table, timers, runner, lingering);
        this.onReady = runner::onReady;
        metrics.opened();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    // ---- ownership ------------------------------------------------------------------------

    /** Binds the port to the calling thread on first use, and refuses every other thread after. */
    void checkOwner() {
        if (owner.claim() && closed) {
            owner.release();
            ensurePortOpen();
        }
    }

    private void ensurePortOpen() {
        if (closed) {
            throw new IllegalStateException("port is closed");
        }
    }

    private NioSocket own(PortSocket socket) {
        checkOwner();
        ensurePortOpen();
        if (!(socket instanceof NioSocket s) || s.port != this) {
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
        if (!(socket instanceof NioSocket s)) {
            throw new IllegalArgumentException(socket + " is not an nio socket");
        }
        if (s.port != null) {
            throw new IllegalStateException(s + " is already registered" + (s.port == this ? "" : " with another port"));
        }
        s.ensureOpen();
        s.key = key;
        s.port = this;
        sockets.add(s);
    }

    /** The socket's {@link PortSocket#remoteAddress()} is the address the accept returned. */
    @Override
    public PortSocket adoptAccepted(PortSocket listener, int acceptResult) {
        NioSocket l = own(listener);
        NioSocket adopted = accepted.take(l, acceptResult);
        if (adopted == null) {
            throw new IllegalArgumentException(acceptResult + " is not the result of an accept completion being handled");
        }
        return adopted;
    }

    void forget(NioSocket socket) {
        sockets.remove(socket);
    }

    /**
     * Owner, after closing a channel the selector watched: runs a selection now, which is when
     * java.nio deregisters the channel and closes its descriptor. What it finds ready is run as
     * in any selection.
     */
    void releaseClosedChannels() throws IOException {
        metrics.enteredKernel(false);
        selector.selectNow(onReady);
    }

    // ---- submissions ----------------------------------------------------------------------
    //
    // Each submit checks everything it can refuse (SubmissionChecks) before it takes a slot, so
    // that a refused submission leaves nothing behind, as on io_uring.

    private long acquire(Operation kind, long key, NioSocket socket) {
        metrics.submitted();
        return table.acquire(kind, key, socket);
    }

    private long begin(Operation kind, NioSocket socket) {
        long id = acquire(kind, socket.key, socket);
        socket.operations.inFlight++;
        return id;
    }

    /**
     * Queues an operation on its socket, to be tried before the port next waits, or when the
     * selector reports the socket ready for it ({@link SocketOperations#triedFirst}).
     */
    private long enqueue(Operation kind, NioSocket socket, long id) {
        SocketOperations ops = socket.operations;
        WaitQueue queue = ops.queue(kind);
        // Behind a waiting operation it would only wait too: only a new head is tried.
        if (queue.isEmpty() && ops.triedFirst(kind)) {
            ops.untried |= SocketOperations.bit(kind);
            runner.schedule(socket);
        }
        queue.add(table, OperationIds.slot(id));
        return id;
    }

    private long completeNow(long id, int result) {
        runner.complete(OperationIds.slot(id), result);
        return id;
    }

    @Override
    public long submitAccept(PortSocket listener) {
        SubmissionChecks.streamSocket(listener);
        NioSocket s = own(listener);
        return enqueue(Operation.ACCEPT, s, begin(Operation.ACCEPT, s));
    }

    @Override
    public long submitConnect(PortSocket socket, SocketAddress remote) {
        NioSocket s = own(socket);
        SubmissionChecks.connectTarget(s, remote);
        s.checkAddress(remote);
        long id = begin(Operation.CONNECT, s);
        if (s.operations.connecting || !s.operations.connects.isEmpty()) {
            return completeNow(id, -Errno.EALREADY); // as connect(2) while one is in progress
        }
        table.argument(OperationIds.slot(id), remote);
        return enqueue(Operation.CONNECT, s, id);
    }

    @Override
    public long submitReceive(PortSocket socket, ByteBuffer buffer) {
        SubmissionChecks.streamSocket(socket);
        NioSocket s = own(socket);
        SubmissionChecks.receiveBuffer(buffer);
        if (s.operations.stream >= 0) {
            throw new IllegalStateException("a stream receive is in flight on " + s
                    + ": no other receive may be submitted until its final completion");
        }
        long id = begin(Operation.RECEIVE, s);
        table.buffer(OperationIds.slot(id), buffer);
        return enqueue(Operation.RECEIVE, s, id);
    }

    @Override
    public long submitReceiveStream(PortSocket socket) {
        SubmissionChecks.streamSocket(socket);
        NioSocket s = own(socket);
        SocketOperations ops = s.operations;
        if (ops.stream >= 0 || !ops.receives.isEmpty()) {
            throw new IllegalStateException((ops.stream >= 0 ? "a stream receive" : "a receive") + " is in flight on "
                    + s + ": a socket has one stream receive at a time, and none beside other receives");
        }
        long id = begin(Operation.RECEIVE, s);
        streams.arm(s, OperationIds.slot(id));
        // Tried before the port waits, as other operations: that finds a socket with no
        // connection and has the selector watch the socket for reading.
        ops.untried |= SocketOperations.RECEIVE;
        runner.schedule(s);
        return id;
    }

    @Override
    public ByteBuffer receivedBytes() {
        checkOwner();
        return streams.receivedBytes();
    }

    /** See {@link StreamReceives}. */
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
        NioSocket s = own(socket);
        SubmissionChecks.sendBuffer(buffer);
        long id = begin(Operation.SEND, s);
        table.buffer(OperationIds.slot(id), buffer);
        return enqueue(Operation.SEND, s, id);
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer[] buffers, int offset, int length) {
        SubmissionChecks.streamSocket(socket);
        SubmissionChecks.gather(buffers, offset, length);
        if (length == 1) {
            return submitSend(socket, buffers[offset]);
        }
        NioSocket s = own(socket);
        long id = begin(Operation.SEND, s);
        table.gather(OperationIds.slot(id), buffers, offset, length);
        return enqueue(Operation.SEND, s, id);
    }

    /**
     * Waits, with the socket's sends, until the socket is writable, then has the JDK transfer the
     * range ({@link FileChannel#transferTo}, which is {@code sendfile(2)} for a socket on Linux):
     * the bytes go from the page cache to the socket without passing through Java memory.
     */
    @Override
    public long submitSendFile(PortSocket socket, FileChannel file, long position, int count) {
        SubmissionChecks.streamSocket(socket);
        NioSocket s = own(socket);
        SubmissionChecks.sendFile(file, position, count);
        long id = begin(Operation.SEND_FILE, s);
        table.file(OperationIds.slot(id), file, position, count);
        return enqueue(Operation.SEND_FILE, s, id);
    }

    @Override
    public long submitSend(PortSocket socket, SendSegments segments) {
        SubmissionChecks.streamSocket(socket);
        NioSocket s = own(socket);
        int count = segmentBuffers.stage(segments);
        long id = begin(Operation.SEND, s);
        int slot = OperationIds.slot(id);
        ByteBuffer[] buffers = segmentBuffers.buffers();
        int[] windows = segmentBuffers.windows();
        if (count == 1) {
            table.buffer(slot, buffers[0], windows[0], windows[1]);
        } else {
            table.gather(slot, buffers, windows, count);
        }
        segmentBuffers.clear();
        return enqueue(Operation.SEND, s, id);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the same as {@link #submitSend(PortSocket, SendSegments)}: java.nio has no
     * zero-copy send.
     */
    @Override
    public long submitZeroCopySend(PortSocket socket, SendSegments segments) {
        return submitSend(socket, segments);
    }

    /** Sent when the socket is writable ({@link DatagramOperations}). */
    @Override
    public long submitSendTo(PortSocket socket, ByteBuffer buffer, InetSocketAddress target) {
        SubmissionChecks.datagramSocket(socket);
        NioSocket s = own(socket);
        SubmissionChecks.sendBuffer(buffer);
        SubmissionChecks.sendTarget(s, target);
        long id = begin(Operation.SEND, s);
        int slot = OperationIds.slot(id);
        table.buffer(slot, buffer);
        table.address(slot, target);
        return enqueue(Operation.SEND, s, id);
    }

    /** Each its own send-to: they wait in the socket's one queue, oldest first, and none is cancelled by another's failure. */
    @Override
    public int submitSendsTo(PortSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids) {
        SubmissionChecks.datagramSocket(socket);
        SubmissionChecks.sendsTo(own(socket), buffers, targets, count, ids);
        for (int i = 0; i < count; i++) {
            ids[i] = submitSendTo(socket, buffers[i], targets[i]); // checked: cannot be refused now
        }
        return count;
    }

    /** Each socket's sends wait in one queue and leave oldest first ({@link DatagramOperations}). */
    @Override
    public boolean keepsDatagramSendOrder() {
        return true;
    }

    /** Received when the socket is readable ({@link DatagramOperations}). */
    @Override
    public long submitReceiveFrom(PortSocket socket, ByteBuffer buffer) {
        SubmissionChecks.datagramSocket(socket);
        NioSocket s = own(socket);
        SubmissionChecks.receiveBuffer(buffer);
        long id = begin(Operation.RECEIVE, s);
        table.buffer(OperationIds.slot(id), buffer);
        return enqueue(Operation.RECEIVE, s, id);
    }

    @Override
    public InetSocketAddress receivedFrom() {
        checkOwner();
        InetSocketAddress receivedFrom = delivery.receivedFrom();
        if (receivedFrom == null) {
            throw new IllegalStateException("no datagram receive completion is being handled");
        }
        return receivedFrom;
    }

    @Override
    public long submitShutdown(PortSocket socket, ShutdownMode mode) {
        SubmissionChecks.streamSocket(socket);
        NioSocket s = own(socket);
        SubmissionChecks.shutdownMode(mode);
        long id = begin(Operation.SHUTDOWN, s);
        table.argument(OperationIds.slot(id), mode);
        return enqueue(Operation.SHUTDOWN, s, id);
    }

    /**
     * False: java.nio reports a socket readable alike for data and for the end of input, and only
     * a read that takes the data out tells them apart; it has no {@code MSG_PEEK}. Reading ahead
     * to find the FIN would take in all the data before it, unbounded, from a caller that is not
     * reading (Netty's NIO transport does not notice a peer's half-closure without a read either).
     */
    @Override
    public boolean watchesPeerClosure() {
        return false;
    }

    @Override
    public long submitPeerClosureWatch(PortSocket socket) {
        throw new UnsupportedOperationException("the nio backend cannot watch for the peer's closure without "
                + "reading: java.nio cannot tell a FIN from data without taking the data out of the socket");
    }

    /** The JDK's channels send and receive no control messages, so no {@code SCM_RIGHTS}. */
    @Override
    public long submitSendDescriptors(PortSocket socket, int... descriptors) {
        throw descriptorsUnsupported();
    }

    @Override
    public long submitReceiveDescriptors(PortSocket socket) {
        throw descriptorsUnsupported();
    }

    private static UnsupportedOperationException descriptorsUnsupported() {
        return new UnsupportedOperationException("passing descriptors (SCM_RIGHTS) needs the io_uring backend: "
                + "the nio backend's JDK channels cannot send or receive them");
    }

    @Override
    public int[] adoptReceivedDescriptors() {
        checkOwner();
        throw new IllegalStateException("no descriptor receive completion is being handled: the nio backend "
                + "receives no descriptors");
    }

    @Override
    public long submitClose(PortSocket socket) {
        NioSocket s = own(socket);
        s.state = NioSocket.State.CLOSING; // no more submissions; what was submitted is still tried
        // Not counted in inFlight, as on io_uring: its completion comes after all of theirs.
        long id = acquire(Operation.CLOSE, s.key, s);
        requests.add(id);
        return id;
    }

    @Override
    public long submitCancel(PortSocket socket, long operationId) {
        NioSocket s = socket == null ? null : own(socket);
        checkOwner();
        ensurePortOpen();
        if (table.isInFlight(operationId) && table.socket(OperationIds.slot(operationId)) != s) {
            throw new IllegalArgumentException("operation 0x" + Long.toHexString(operationId) + " is not one of "
                    + (s == null ? "the port's timers" : s));
        }
        long id = s == null ? acquire(Operation.CANCEL, 0L, null) : begin(Operation.CANCEL, s);
        table.target(OperationIds.slot(id), operationId);
        requests.add(id);
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
        timers.add(OperationIds.slot(id), System.nanoTime(), nanos);
        return id;
    }

    @Override
    public long submitNop(long key) {
        checkOwner();
        ensurePortOpen();
        return completeNow(acquire(Operation.NOP, key, null), 0);
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
            runner.runScheduled();
            if (!requests.isEmpty()) {
                requests.run();
                runner.runScheduled(); // what a cancel left first in its queue
            }
            if (lingering.hasDeregistering()) {
                // Deregisters the channels of lingering closes (running what it finds ready),
                // so that they close, lingering, off this thread.
                metrics.enteredKernel(false);
                selector.selectNow(onReady);
                lingering.startDeregistered();
            }
            select(waitNanos(timeoutNanos));
            expireTimers();
            lingering.drainFinished(onLingeringCloseReturned);
            int delivered = delivery.deliver(handler, max);
            if (delivered < max) {
                delivered += posts.drain(handler, max - delivered);
            }
            metrics.dequeued(delivered);
            return delivered;
        } finally {
            dequeuing = false;
            accepted.closeDeclined();
        }
    }

    private void lingeringCloseReturned(long closeId, IOException failure) {
        runner.complete(OperationIds.slot(closeId), failure == null ? 0 : NioErrors.result(failure));
    }

    /** Whether other threads have queued something for the owner: posts, or lingering closes that returned. */
    private boolean handedOver() {
        return !posts.isEmpty() || lingering.hasFinished();
    }

    /** How long to wait for readiness: not at all with completions ready, else until the caller's timeout or the next timer. */
    private long waitNanos(long timeoutNanos) {
        if (timeoutNanos == 0 || !completions.isEmpty() || handedOver()) {
            return 0;
        }
        if (timers.isEmpty()) {
            return timeoutNanos;
        }
        long untilTimer = Math.max(0, timers.nextDeadline() - System.nanoTime());
        return timeoutNanos < 0 ? untilTimer : Math.min(timeoutNanos, untilTimer);
    }

    /** One selection, which runs the ready sockets' operations; blocks only for {@code nanos != 0}. */
    private void select(long nanos) throws IOException {
        if (nanos == 0 || !waker.prepareToWait()) {
            metrics.enteredKernel(false);
            selector.selectNow(onReady);
            return;
        }
        try {
            if (handedOver()) {
                metrics.enteredKernel(false);
                selector.selectNow(onReady); // a post raced with the checks before prepareToWait
            } else if (nanos < 0) {
                metrics.enteredKernel(true);
                selector.select(onReady);
            } else {
                metrics.enteredKernel(true);
                // Rounded up to whole milliseconds: a timer never fires early.
                selector.select(onReady, (nanos + 999_999) / 1_000_000);
            }
        } finally {
            waker.awake();
        }
    }

    private void expireTimers() {
        if (!timers.isEmpty()) {
            long now = System.nanoTime();
            int slot;
            while ((slot = timers.pollExpired(now)) >= 0) {
                runner.complete(slot, 0);
            }
        }
    }

    /** Bytes of stream-receive memory the port holds: a buffer or two, whatever the number of sockets. */
    int receiveMemoryBytes() {
        return streams.memoryBytes();
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

    @Override
    public int pendingOperations() {
        return table.inUse();
    }

    @Override
    public PortMetrics metrics() {
        return metrics.view();
    }

    // ---- close ----------------------------------------------------------------------------

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
        closed = true;
        metrics.closed();
        // No I/O is ever half-done here, so nothing has to be waited for: what was not
        // delivered is dropped, and the buffers it held are let go.
        List<NioSocket> toClose = new ArrayList<>();
        for (NioSocket socket : sockets) {
            socket.state = NioSocket.State.CLOSED;
            socket.operations.inFlight = 0;
            socket.operations.stream = -1;
            socket.operations.streamArmed = false;
            if (!socket.operations.channelClosed) { // else closed already, or by a lingering close
                socket.operations.channelClosed = true;
                toClose.add(socket);
            }
        }
        sockets.clear();
        accepted.closeAll();
        timers.clear();
        completions.clear();
        requests.clear();
        table.releaseAll();
        runner.unscheduleAll();
        streams.release();
        try {
            // Deregisters every channel; java.nio closes the descriptors of channels closed
            // while registered now. The others stay open, and leave no selector behind.
            selector.close();
        } finally {
            lingering.portClosed();
            for (NioSocket socket : toClose) {
                if (socket.lingersOnClose()) {
                    LingeringCloses.closeInBackground(socket); // it would linger on this thread
                } else {
                    socket.closeUnwatched();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "NioPort[" + selector + ", in flight " + table.inUse() + (closed ? ", closed" : "") + "]";
    }
}
