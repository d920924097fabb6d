package dev.iocp.channel.faults;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.PortSocket;
import dev.iocp.port.ReceiveBufferSource;
import dev.iocp.port.SendSegments;
import dev.iocp.port.ShutdownMode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CompletionPort} that delegates everything to a real port and spoils what its
 * {@link FaultInjector} chooses:
 * <ul>
 *   <li>an error fault marks the operation at submission and rewrites its completion, when it
 *       is delivered, into {@code -errno} (a completion that already failed is left alone). The
 *       operation itself runs normally, so its memory is released only after the kernel is done
 *       with it, as the port's rule requires. A rewritten ACCEPT leaves its descriptor
 *       un-adopted, and the port closes it when dequeue returns;</li>
 *   <li>an error fault on a stream receive fails the stream at its first arrival: that and any
 *       later data are dropped, the real stream is cancelled, and its final completion is
 *       delivered as {@code -errno}. So, as from a real port, the failure is the stream's one
 *       final completion and comes once the stream is over (a new one may be submitted then);</li>
 *   <li>a short fault offers the kernel half of the send's, send-file's or receive's bytes (see
 *       {@link Fault}); on a stream receive, it splits one arrival into two completions;</li>
 *   <li>{@link FaultInjector#failAcceptsAtOnce} turns an accept into a no-op on the real port
 *       whose completion is delivered as the accept's failure, and
 *       {@link FaultInjector#refuseSendFiles} a send-file into one delivered as EOPNOTSUPP;</li>
 *   <li>{@link #failNextDequeues} makes dequeues throw before they touch the real port, so no
 *       completion is lost.</li>
 * </ul>
 * Nothing this port submits on its own (those cancellations) reaches the caller: a completion
 * the caller did not ask for would upset its count of operations in flight. Used on its owner
 * (loop) thread only, like the port it wraps.
 */
public final class FaultInjectingPort implements CompletionPort {
    private final CompletionPort delegate;
    private final FaultInjector injector;
    private final Map<PortSocket, Long> keys = new IdentityHashMap<>();
    /** Operation id to the errno its completion is rewritten into. */
    private final Map<Long, Integer> marked = new HashMap<>();
    /** Stream receive ids with an error fault, to the socket whose real stream is cancelled at its first arrival. */
    private final Map<Long, PortSocket> streamSockets = new HashMap<>();
    /** Failed streams, to their errno: data is dropped, the real final completion delivered as the failure. */
    private final Map<Long, Integer> failedStreams = new HashMap<>();
    /** Cancellations this port submitted itself: their completions are not the caller's. */
    private final Set<Long> ownCancels = new HashSet<>();
    /** No-op id to the completion it stands for. */
    private final Map<Long, Faked> faked = new HashMap<>();
    private final AtomicInteger dequeuesToFail = new AtomicInteger();
    private final CompletionHandler relay = this::relay;
    private CompletionHandler downstream;
    /** An arrival is being delivered in two parts: neither may be taken whole ({@link #takeReceived}). */
    private boolean splitting;
    private volatile Thread owner;

    private record Faked(Operation operation, int result) {
    }

    /** A send of segments as submitted: the bytes it offered, and whether it asked for zero-copy. */
    public record SegmentSend(long bytes, boolean zeroCopy) {
    }

    private final Queue<SegmentSend> segmentSends = new ConcurrentLinkedQueue<>();

    FaultInjectingPort(CompletionPort delegate, FaultInjector injector) {
        this.delegate = delegate;
        this.injector = injector;
    }

    /** The thread that dequeues from this port (its event loop), once it has. */
    public Thread owner() {
        return owner;
    }

    /** The next {@code n} calls of {@link #dequeue} throw an IOException (from any thread). */
    public void failNextDequeues(int n) {
        dequeuesToFail.addAndGet(n);
    }

    /** Dequeue failures still to come. */
    public int dequeueFailuresLeft() {
        return Math.max(0, dequeuesToFail.get());
    }

    @Override
    public Backend backend() {
        return delegate.backend();
    }

    @Override
    public void register(PortSocket socket, long key) {
        delegate.register(socket, key);
        keys.put(socket, key);
    }

    @Override
    public PortSocket adoptAccepted(PortSocket listener, int acceptResult) throws IOException {
        return delegate.adoptAccepted(listener, acceptResult);
    }

    /** The socket's key, or -1 when it is not (or no longer) registered through this port. */
    private long keyOf(PortSocket socket) {
        Long key = keys.get(socket);
        return key == null ? -1 : key;
    }

    private long mark(long id, Operation operation, Fault fault) {
        injector.countSubmitted(operation);
        if (fault != null && !fault.isShort()) {
            marked.put(id, fault.errno());
        }
        return id;
    }

    @Override
    public long submitAccept(PortSocket listener) {
        int atOnce = injector.acceptErrnoAtOnce();
        if (atOnce != 0 && keyOf(listener) >= 0 && listener.isOpen()) {
            long id = delegate.submitNop(keyOf(listener));
            faked.put(id, new Faked(Operation.ACCEPT, -atOnce));
            injector.countSubmitted(Operation.ACCEPT);
            return id;
        }
        Fault fault = injector.decide(Operation.ACCEPT, keyOf(listener));
        return mark(delegate.submitAccept(listener), Operation.ACCEPT, fault);
    }

    @Override
    public long submitConnect(PortSocket socket, SocketAddress remote) {
        Fault fault = injector.decide(Operation.CONNECT, keyOf(socket));
        return mark(delegate.submitConnect(socket, remote), Operation.CONNECT, fault);
    }

    @Override
    public long submitReceive(PortSocket socket, ByteBuffer buffer) {
        Fault fault = injector.decide(Operation.RECEIVE, keyOf(socket));
        if (fault != null && fault.isShort() && buffer.remaining() > 1) {
            ByteBuffer shorter = buffer.duplicate();
            shorter.limit(buffer.position() + Math.max(1, buffer.remaining() / 2));
            injector.countInjected(Operation.RECEIVE, Fault.SHORT);
            return mark(delegate.submitReceive(socket, shorter), Operation.RECEIVE, null);
        }
        return mark(delegate.submitReceive(socket, buffer), Operation.RECEIVE, fault);
    }

    /**
     * An error fault fails the stream at its first data completion (see the class comment). A
     * short fault is decided per arrival instead, as the arrivals are delivered.
     */
    @Override
    public long submitReceiveStream(PortSocket socket) {
        Fault fault = injector.decide(Operation.RECEIVE, keyOf(socket), FaultRule.Takes.ERRORS);
        long id = delegate.submitReceiveStream(socket);
        if (fault != null) {
            streamSockets.put(id, socket);
        }
        return mark(id, Operation.RECEIVE, fault);
    }

    @Override
    public ByteBuffer receivedBytes() {
        return delegate.receivedBytes();
    }

    @Override
    public boolean receiveBuffersFrom(ReceiveBufferSource<?> source) {
        return delegate.receiveBuffersFrom(source);
    }

    /** Null while an arrival is delivered in two parts: the parts are copied from {@link #receivedBytes()}. */
    @Override
    public <B> B takeReceived() {
        return splitting ? null : delegate.takeReceived();
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer buffer) {
        return submitSend(socket, new ByteBuffer[] {buffer}, 0, 1);
    }

    @Override
    public long submitSend(PortSocket socket, ByteBuffer[] buffers, int offset, int length) {
        Fault fault = injector.decide(Operation.SEND, keyOf(socket));
        if (fault != null && fault.isShort()) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += buffers[i].remaining();
            }
            if (total > 1) {
                long left = Math.max(1, total / 2);
                ByteBuffer[] part = new ByteBuffer[length];
                int count = 0;
                for (int i = offset; i < offset + length && left > 0; i++) {
                    ByteBuffer piece = buffers[i].duplicate();
                    if (piece.remaining() > left) {
                        piece.limit(piece.position() + (int) left);
                    }
                    left -= piece.remaining();
                    part[count++] = piece;
                }
                injector.countInjected(Operation.SEND, Fault.SHORT);
                return mark(delegate.submitSend(socket, part, 0, count), Operation.SEND, null);
            }
        }
        return mark(delegate.submitSend(socket, buffers, offset, length), Operation.SEND, fault);
    }

    @Override
    public long submitSendFile(PortSocket socket, FileChannel file, long position, int count) {
        if (injector.sendFilesRefused() && keyOf(socket) >= 0 && socket.isOpen()) {
            long id = delegate.submitNop(keyOf(socket));
            faked.put(id, new Faked(Operation.SEND_FILE, -Errno.EOPNOTSUPP));
            injector.countSubmitted(Operation.SEND_FILE);
            return id;
        }
        Fault fault = injector.decide(Operation.SEND_FILE, keyOf(socket));
        if (fault != null && fault.isShort() && count > 1) {
            injector.countInjected(Operation.SEND_FILE, Fault.SHORT);
            return mark(delegate.submitSendFile(socket, file, position, count / 2), Operation.SEND_FILE, null);
        }
        return mark(delegate.submitSendFile(socket, file, position, count), Operation.SEND_FILE, fault);
    }

    @Override
    public long submitSend(PortSocket socket, SendSegments segments) {
        return submitSegments(socket, segments, false);
    }

    @Override
    public long submitZeroCopySend(PortSocket socket, SendSegments segments) {
        return submitSegments(socket, segments, true);
    }

    /** The sends of segments submitted so far, in order (from any thread). */
    public List<SegmentSend> segmentSends() {
        return List.copyOf(segmentSends);
    }

    private long submitSegments(PortSocket socket, SendSegments segments, boolean zeroCopy) {
        long bytes = 0;
        for (int i = 0; i < segments.count(); i++) {
            bytes += segments.length(i);
        }
        segmentSends.add(new SegmentSend(bytes, zeroCopy));
        Fault fault = injector.decide(Operation.SEND, keyOf(socket));
        SendSegments offered = segments;
        if (fault != null && fault.isShort()) {
            SendSegments half = HalfSegments.of(segments);
            if (half != null) {
                injector.countInjected(Operation.SEND, Fault.SHORT);
                offered = half;
                fault = null;
            }
        }
        long id = zeroCopy ? delegate.submitZeroCopySend(socket, offered) : delegate.submitSend(socket, offered);
        return mark(id, Operation.SEND, fault);
    }

    /** Datagrams pass through unspoiled: the faults model a stream's short and failed transfers. */
    @Override
    public boolean keepsDatagramSendOrder() {
        return delegate.keepsDatagramSendOrder();
    }

    @Override
    public long submitSendTo(PortSocket socket, ByteBuffer buffer, InetSocketAddress target) {
        if (injector.refusesSendTos(1)) {
            throw new IllegalStateException("send-to refused by fault injection");
        }
        injector.countSubmitted(Operation.SEND);
        long id = delegate.submitSendTo(socket, buffer, target);
        injector.sendTosSubmitted(1);
        return id;
    }

    /** Refused whole when one of its sends is to be refused, as a port refuses a batch: nothing is sent. */
    @Override
    public int submitSendsTo(PortSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count,
                             long[] ids) {
        if (injector.refusesSendTos(count)) {
            throw new IllegalStateException("send-to refused by fault injection");
        }
        int taken = delegate.submitSendsTo(socket, buffers, targets, count, ids);
        injector.sendTosSubmitted(taken);
        for (int i = 0; i < taken; i++) {
            injector.countSubmitted(Operation.SEND);
        }
        return taken;
    }

    @Override
    public long submitReceiveFrom(PortSocket socket, ByteBuffer buffer) {
        injector.countSubmitted(Operation.RECEIVE);
        long id = delegate.submitReceiveFrom(socket, buffer);
        int errno = injector.takeReceiveFromFailure();
        if (errno != 0) {
            marked.put(id, errno); // rewritten when it completes
        }
        return id;
    }

    @Override
    public InetSocketAddress receivedFrom() {
        return delegate.receivedFrom();
    }

    @Override
    public long submitShutdown(PortSocket socket, ShutdownMode mode) {
        injector.countSubmitted(Operation.SHUTDOWN);
        return delegate.submitShutdown(socket, mode);
    }

    @Override
    public long submitSendDescriptors(PortSocket socket, int... descriptors) {
        return delegate.submitSendDescriptors(socket, descriptors);
    }

    @Override
    public long submitReceiveDescriptors(PortSocket socket) {
        return delegate.submitReceiveDescriptors(socket);
    }

    @Override
    public int[] adoptReceivedDescriptors() {
        return delegate.adoptReceivedDescriptors();
    }

    @Override
    public boolean watchesPeerClosure() {
        return delegate.watchesPeerClosure();
    }

    @Override
    public long submitPeerClosureWatch(PortSocket socket) {
        injector.countSubmitted(Operation.PEER_CLOSED);
        return delegate.submitPeerClosureWatch(socket);
    }

    @Override
    public long submitClose(PortSocket socket) {
        injector.countSubmitted(Operation.CLOSE);
        long id = delegate.submitClose(socket);
        keys.remove(socket); // nothing but cancellations of faked operations needs it afterwards
        return id;
    }

    @Override
    public long submitCancel(PortSocket socket, long operationId) {
        injector.countSubmitted(Operation.CANCEL);
        if (faked.containsKey(operationId) && socket != null && keyOf(socket) >= 0) {
            // The real port does not know the target as the socket's: the no-op completes on
            // its own, so the cancellation finds nothing.
            long id = delegate.submitNop(keyOf(socket));
            faked.put(id, new Faked(Operation.CANCEL, -Errno.ENOENT));
            return id;
        }
        return delegate.submitCancel(socket, operationId);
    }

    @Override
    public long submitTimeout(long key, long nanos) {
        return delegate.submitTimeout(key, nanos);
    }

    @Override
    public long submitNop(long key) {
        return delegate.submitNop(key);
    }

    @Override
    public int dequeue(CompletionHandler handler, int max, long timeoutNanos) throws IOException {
        owner = Thread.currentThread();
        if (dequeuesToFail.get() > 0 && dequeuesToFail.getAndDecrement() > 0) {
            injector.countDequeueFailure();
            throw new IOException("injected dequeue failure (FaultInjectingPort)");
        }
        downstream = handler;
        try {
            return delegate.dequeue(relay, max, timeoutNanos);
        } finally {
            downstream = null;
        }
    }

    private void relay(long key, Operation operation, int result, int flags, long operationId) {
        if (operation == Operation.CANCEL && ownCancels.remove(operationId)) {
            return;
        }
        if (operation == Operation.NOP) {
            Faked fake = faked.remove(operationId);
            if (fake != null) {
                injector.countCompleted(fake.operation());
                if (fake.operation() == Operation.ACCEPT) {
                    injector.countInjected(Operation.ACCEPT, Fault.error(-fake.result()));
                }
                downstream.onCompletion(key, fake.operation(), fake.result(), 0, operationId);
                return;
            }
        }
        boolean arrival = (flags & CompletionFlags.MORE) != 0;
        Integer failed = failedStreams.get(operationId);
        if (failed != null) {
            if (arrival) {
                return; // the failed stream's data, until the cancellation takes effect
            }
            failedStreams.remove(operationId);
            injector.countInjected(operation, Fault.error(failed));
            injector.countCompleted(operation);
            downstream.onCompletion(key, operation, -failed, 0, operationId);
            return;
        }
        PortSocket stream = streamSockets.remove(operationId);
        if (stream != null) {
            int errno = marked.remove(operationId);
            if (!arrival) {
                // It ended on its own before any data: its failure (or the injected one) is final.
                if (result >= 0) {
                    injector.countInjected(operation, Fault.error(errno));
                    result = -errno;
                }
                injector.countCompleted(operation);
                downstream.onCompletion(key, operation, result, 0, operationId);
                return;
            }
            failedStreams.put(operationId, errno);
            if (stream.isOpen()) {
                ownCancels.add(delegate.submitCancel(stream, operationId));
            }
            return;
        }
        if (arrival && operation == Operation.RECEIVE && result > 1) {
            Fault fault = injector.decide(Operation.RECEIVE, key, FaultRule.Takes.SHORT);
            if (fault != null) {
                // A short arrival: the data comes as two completions, the first with half of it.
                ByteBuffer bytes = delegate.receivedBytes();
                int start = bytes.position();
                int limit = bytes.limit();
                int half = result / 2;
                injector.countInjected(Operation.RECEIVE, Fault.SHORT);
                bytes.limit(start + half);
                splitting = true; // until the second part has been delivered too
                downstream.onCompletion(key, operation, half, flags | CompletionFlags.INPUT_PENDING, operationId);
                bytes.limit(limit).position(start + half);
                result -= half;
            }
        }
        boolean last = !arrival;
        Integer errno = marked.remove(operationId);
        if (errno != null && result >= 0) {
            injector.countInjected(operation, Fault.error(errno));
            result = -errno;
            flags &= CompletionFlags.MORE; // a zero-copy send's last completion is still to come
        }
        if (last) {
            injector.countCompleted(operation);
        }
        try {
            downstream.onCompletion(key, operation, result, flags, operationId);
        } finally {
            splitting = false;
        }
    }

    @Override
    public void post(long key, int value) {
        delegate.post(key, value);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public int pendingOperations() {
        return delegate.pendingOperations();
    }

    /** The wrapped port's: completions rewritten here count as the port delivered them. */
    @Override
    public PortMetrics metrics() {
        return delegate.metrics();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String toString() {
        return "FaultInjectingPort[" + delegate + "]";
    }
}
