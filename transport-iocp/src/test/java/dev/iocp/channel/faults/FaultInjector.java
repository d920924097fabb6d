package dev.iocp.channel.faults;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * The faults of one event-loop group: the rules every port of the group applies, what was
 * injected, and the {@link #decorator() decorator} that wraps each port in a
 * {@link FaultInjectingPort}. Rules and switches may be changed from any thread while the loops
 * run; counters may be read from any thread.
 */
public final class FaultInjector {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final List<FaultInjectingPort> ports = new CopyOnWriteArrayList<>();
    private final LongAdder[] submitted = adders();
    private final LongAdder[] completed = adders();
    private final Map<String, LongAdder> injected = new ConcurrentHashMap<>();
    private final LongAdder dequeueFailures = new LongAdder();
    private volatile boolean enabled = true;
    private volatile int acceptErrnoAtOnce;
    private volatile boolean refuseSendFiles;
    private final java.util.concurrent.atomic.AtomicInteger receiveFromsToFail = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int receiveFromErrno;
    private final java.util.concurrent.atomic.AtomicInteger sendToSubmissionsBeforeRefusal = new java.util.concurrent.atomic.AtomicInteger();

    private static LongAdder[] adders() {
        LongAdder[] adders = new LongAdder[Operation.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** For {@code IocpIoHandler.newFactory(config, injector.decorator())}. */
    public UnaryOperator<CompletionPort> decorator() {
        return port -> {
            FaultInjectingPort wrapped = new FaultInjectingPort(port, this);
            ports.add(wrapped);
            return wrapped;
        };
    }

    /** Adds a rule; the first rule that chooses a submission decides its fault. */
    public FaultInjector add(FaultRule rule) {
        rules.add(rule);
        return this;
    }

    /** Forgets every rule. */
    public void clearRules() {
        rules.clear();
    }

    /** Switches every rule on or off (switches, such as {@link #failAcceptsAtOnce}, are apart). */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * From now on every accept fails at once with {@code -errno}, without waiting for a
     * connection, as {@code accept(2)} does when a connection is queued but no descriptor is
     * free (EMFILE); 0 stops it. The failure is a no-op on the real port that is delivered as the
     * accept's completion.
     */
    public void failAcceptsAtOnce(int errno) {
        this.acceptErrnoAtOnce = errno;
    }

    int acceptErrnoAtOnce() {
        return acceptErrnoAtOnce;
    }

    /**
     * From now on every send-file completes at once with {@code -EOPNOTSUPP} and sends nothing, as
     * io_uring answers where it reaches neither the file's descriptor nor {@code /proc}; false
     * stops it. The refusal is a no-op on the real port that is delivered as the send-file's
     * completion.
     */
    public void refuseSendFiles(boolean refuse) {
        this.refuseSendFiles = refuse;
    }

    boolean sendFilesRefused() {
        return refuseSendFiles;
    }

    /**
     * The next {@code count} datagram receives ({@code submitReceiveFrom}) complete with
     * {@code -errno} instead of their datagram, as the kernel fails a receive with the error an
     * ICMP message set on a connected socket. Each runs normally and is rewritten when it
     * completes (when a datagram arrives: that datagram is lost).
     */
    public void failReceiveFroms(int errno, int count) {
        receiveFromErrno = errno;
        receiveFromsToFail.set(count);
    }

    /**
     * The {@code nth} datagram send submitted from now ({@code submitSendTo}, or one of a
     * {@code submitSendsTo} batch; 1 for the next) is refused: the submission throws
     * {@link IllegalStateException}, as a port does that cannot take it, and nothing is sent. A
     * batch holding it is refused whole and the refusal stays for that send; submitted alone, it
     * is refused once. 0 stops it.
     */
    public void refuseSendToSubmission(int nth) {
        sendToSubmissionsBeforeRefusal.set(nth);
    }

    /** Whether a submission of {@code count} send-tos is to be refused: the refused one is among them. */
    boolean refusesSendTos(int count) {
        int n = sendToSubmissionsBeforeRefusal.get();
        if (n < 1 || n > count) {
            return false;
        }
        if (count == 1) {
            sendToSubmissionsBeforeRefusal.set(0); // refused alone: done
        }
        return true;
    }

    /** {@code count} send-tos were submitted: the one to refuse is that many nearer. */
    void sendTosSubmitted(int count) {
        sendToSubmissionsBeforeRefusal.getAndUpdate(n -> n > 0 ? Math.max(n - count, 0) : 0);
    }

    /** The errno the receive-from being submitted is to fail with, or 0. */
    int takeReceiveFromFailure() {
        int errno = receiveFromErrno;
        return receiveFromsToFail.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 ? errno : 0;
    }

    /** The ports made so far, in the order their loops were created. */
    public List<FaultInjectingPort> ports() {
        return List.copyOf(ports);
    }

    /** The port whose owner (the loop thread that dequeues from it) is {@code thread}. */
    public FaultInjectingPort portOf(Thread thread) {
        for (FaultInjectingPort port : ports) {
            if (port.owner() == thread) {
                return port;
            }
        }
        throw new IllegalArgumentException("no port is owned by " + thread.getName());
    }

    Fault decide(Operation operation, long key) {
        return decide(operation, key, FaultRule.Takes.ANY);
    }

    /** As {@link #decide(Operation, long)}, among the faults the submission can take. */
    Fault decide(Operation operation, long key, FaultRule.Takes takes) {
        if (!enabled) {
            return null;
        }
        for (FaultRule rule : rules) {
            Fault fault = rule.decide(operation, key, takes);
            if (fault != null) {
                return fault;
            }
        }
        return null;
    }

    void countSubmitted(Operation operation) {
        submitted[operation.ordinal()].increment();
    }

    void countCompleted(Operation operation) {
        completed[operation.ordinal()].increment();
    }

    void countInjected(Operation operation, Fault fault) {
        injected.computeIfAbsent(operation + " " + fault, k -> new LongAdder()).increment();
    }

    void countDequeueFailure() {
        dequeueFailures.increment();
    }

    /** Submissions of this kind so far, over all ports (faked ones included). */
    public long submitted(Operation operation) {
        return submitted[operation.ordinal()].sum();
    }

    /** Completions of this kind delivered to the channels so far, over all ports. */
    public long completed(Operation operation) {
        return completed[operation.ordinal()].sum();
    }

    /** How often this fault was injected into operations of this kind. */
    public long injected(Operation operation, Fault fault) {
        LongAdder adder = injected.get(operation + " " + fault);
        return adder == null ? 0 : adder.sum();
    }

    /** Every fault injected, e.g. {@code RECEIVE ECONNRESET=12}. */
    public Map<String, Long> injected() {
        Map<String, Long> copy = new TreeMap<>();
        injected.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Total of {@link #injected()}. */
    public long injectedTotal() {
        return injected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Dequeues that were made to throw. */
    public long dequeueFailures() {
        return dequeueFailures.sum();
    }

    @Override
    public String toString() {
        return "FaultInjector[rules " + rules + ", injected " + injected() + ", dequeue failures " + dequeueFailures() + "]";
    }
}
