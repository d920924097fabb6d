package dev.iocp.channel;

import dev.iocp.port.Backends;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionHandler;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Netty {@link IoHandler} of this transport: one {@link CompletionPort} per event-loop
 * thread. {@link #run} dequeues a batch of completions and hands each to the
 * {@link IocpIoHandle} whose registration key it carries; submitted operations reach the kernel
 * in the same system call that waits.
 *
 * <p>Use {@link #newFactory()} with any {@code MultiThreadIoEventLoopGroup}, or
 * {@link IocpEventLoopGroup}.
 */
public final class IocpIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(IocpIoHandler.class);
    private static final int MAX_COMPLETIONS_PER_RUN = 1024;
    /** See {@link #offerReceiveAllocator}. */
    private static final boolean RECEIVE_WITHOUT_COPY =
            Boolean.parseBoolean(System.getProperty("dev.iocp.receiveWithoutCopy", "true"));
    /**
     * How long destroy() keeps dispatching for channels it closed: their cancelled operations
     * complete at once unless the kernel is mid-copy, and their buffers are released only then.
     */
    private static final long DESTROY_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ThreadAwareExecutor executor;
    private final CompletionPort port;
    private final IocpIoEvent event = new IocpIoEvent();
    /** Handles to tell when the current batch of completions has been handled. */
    private final ArrayList<IocpIoHandle> batchEnders = new ArrayList<>();
    /**
     * Where the loop's channels collect the segments of a send. A channel uses it only within one
     * submission, on this thread, and clears it after, so one per loop serves every channel, and
     * an idle connection holds none of its arrays.
     */
    private final OutboundSegments outboundSegments = new OutboundSegments();
    private final CompletionHandler dispatcher = this::dispatch;
    /**
     * Where the port's receive buffers come from: the allocator of the first channel that
     * receives (null before, or when the port takes none), so that its arrivals, and those of
     * every channel with the same allocator, reach the pipeline without a copy (see
     * {@link #offerReceiveAllocator}).
     */
    private ByteBufReceiveSource receiveSource;
    private boolean receiveSourceChosen;
    private final FailureBackoff failureBackoff = new FailureBackoff(this);
    private final RegistrationTable registrations = new RegistrationTable();
    private boolean shuttingDown;
    /** How many more dequeues one pass makes at most while shutting down: see {@link #drainWhileShuttingDown}. */
    private static final int DRAIN_ROUNDS_WHILE_SHUTTING_DOWN = 256;
    private boolean destroyed;
    private long firstCompletionNanos;
    private boolean timingActiveIo;

    private IocpIoHandler(ThreadAwareExecutor executor, PortConfig config, UnaryOperator<CompletionPort> decorator) {
        this.executor = executor;
        CompletionPort opened;
        try {
            opened = Backends.selected().openPort(config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a completion port: " + e.getMessage(), e);
        }
        this.port = decorator.apply(opened);
        EventLoopPorts.add(executor, port.metrics());
    }

    /**
     * A factory for handlers with the default port sizes.
     *
     * @return a factory for {@code MultiThreadIoEventLoopGroup}; each handler opens its port on the
     *         selected backend, with {@link PortConfig#DEFAULT}
     */
    public static IoHandlerFactory newFactory() {
        return newFactory(PortConfig.DEFAULT);
    }

    /**
     * A factory for handlers whose ports have the given sizes.
     *
     * @param config the sizes of each handler's port
     * @return a factory for {@code MultiThreadIoEventLoopGroup}; a handler that cannot open its port
     *         throws {@link IllegalStateException} from its creation
     */
    public static IoHandlerFactory newFactory(PortConfig config) {
        return newFactory(config, UnaryOperator.identity());
    }

    /**
     * The test seam: each handler's port is passed through {@code decorator}, which may wrap it
     * (fault injection: chosen completions rewritten to errors, a dequeue that throws).
     */
    static IoHandlerFactory newFactory(PortConfig config, UnaryOperator<CompletionPort> decorator) {
        Iocp.ensureAvailability();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor ioExecutor) {
                return new IocpIoHandler(ioExecutor, config, decorator);
            }

            @Override
            public boolean isChangingThreadSupported() {
                // The port is bound to its thread (io_uring SINGLE_ISSUER / DEFER_TASKRUN).
                return false;
            }
        };
    }

    CompletionPort port() {
        return port;
    }

    OutboundSegments outboundSegments() {
        return outboundSegments;
    }

    /**
     * Offers the port {@code allocator} as the source of its receive buffers, from the channel
     * about to arm its stream receive: the first offer before the port's first stream receive is
     * taken (unless the system property {@code dev.iocp.receiveWithoutCopy} is {@code false}),
     * later ones are ignored. Channels whose allocator it is get their arrivals without a copy
     * ({@link #receivesWithoutCopy}).
     */
    void offerReceiveAllocator(ByteBufAllocator allocator) {
        if (receiveSourceChosen) {
            return;
        }
        receiveSourceChosen = true;
        if (!RECEIVE_WITHOUT_COPY) {
            return;
        }
        ByteBufReceiveSource source = new ByteBufReceiveSource(allocator);
        try {
            if (port.receiveBuffersFrom(source)) {
                receiveSource = source;
            }
        } catch (IllegalStateException e) {
            // A stream receive was armed on the port by other means first: it keeps its own memory.
            logger.debug("{} keeps its own receive memory: {}", port, e.getMessage());
        }
    }

    /** Whether the port's receive buffers come from {@code allocator}, so that arrivals can be handed on as they are. */
    boolean receivesWithoutCopy(ByteBufAllocator allocator) {
        ByteBufReceiveSource source = receiveSource;
        return source != null && source.allocator() == allocator;
    }

    /** See {@link IocpIoRegistration#endBatchLater}; the handle asks once per batch. */
    void endBatchLater(IocpIoHandle handle) {
        batchEnders.add(handle);
    }

    private void endBatches() {
        // Indexed: a handle's batch end may ask again for the next batch (it never does today).
        for (int i = 0; i < batchEnders.size(); i++) {
            IocpIoHandle handle = batchEnders.get(i);
            try {
                handle.completionBatchEnded();
            } catch (Throwable t) {
                logger.warn("{} failed ending its batch", handle, t);
            }
        }
        batchEnders.clear();
    }

    void checkInEventLoop() {
        if (!executor.isExecutorThread(Thread.currentThread())) {
            throw new IllegalStateException("must be called from the event loop thread, not " + Thread.currentThread().getName());
        }
    }

    @Override
    public int run(IoHandlerContext context) {
        long timeout = 0;
        if (context.canBlock()) {
            timeout = context.deadlineNanos() == -1 ? -1 : Math.max(0, context.delayNanos(System.nanoTime()));
        }
        timingActiveIo = context.shouldReportActiveIoTime();
        firstCompletionNanos = 0;
        int handled;
        try {
            handled = port.dequeue(dispatcher, MAX_COMPLETIONS_PER_RUN, timeout);
            if (shuttingDown) {
                handled += drainWhileShuttingDown(handled);
            }
            failureBackoff.succeeded();
        } catch (IOException | RuntimeException e) {
            // Netty's loop has no catch of its own: an exception here would end the loop thread
            // while its group still hands it channels. Log, pause (so a lasting failure does not
            // spin a core), and let the loop run its tasks and try again.
            failureBackoff.failed(e, context.canBlock() ? pauseLimit(context) : 0);
            return 0;
        } finally {
            endBatches(); // also after a failure: the read batches of what was delivered end
        }
        if (timingActiveIo && firstCompletionNanos != 0) {
            context.reportActiveIoTime(System.nanoTime() - firstCompletionNanos);
        }
        return handled;
    }

    /**
     * While the loop shuts down, each pass of it without a task ends in a 100 ms nap (Netty's
     * quiet period check), so work that goes one operation per completion (a datagram channel
     * sending its flushed datagrams one at a time, in order) would crawl: after a pass that
     * handled completions, this dequeues again, without waiting, as long as completions come
     * (the operations those handlers submitted go to the port and often complete at once).
     *
     * @return the completions handled
     */
    private int drainWhileShuttingDown(int handled) throws IOException {
        int more = 0;
        for (int round = 0; round < DRAIN_ROUNDS_WHILE_SHUTTING_DOWN && handled > 0; round++) {
            endBatches();
            handled = port.dequeue(dispatcher, MAX_COMPLETIONS_PER_RUN, 0);
            more += handled;
        }
        return more;
    }

    /** How long the loop may pause: not past its next scheduled task. */
    private static long pauseLimit(IoHandlerContext context) {
        return context.deadlineNanos() == -1 ? Long.MAX_VALUE : Math.max(0, context.delayNanos(System.nanoTime()));
    }

    private void dispatch(long key, Operation operation, int result, int flags, long operationId) {
        if (timingActiveIo && firstCompletionNanos == 0) {
            firstCompletionNanos = System.nanoTime();
        }
        IocpIoRegistration registration = registrations.get(key);
        if (registration == null) {
            logger.debug("completion {} (result {}) for key {} that has no registration", operation, result, key);
            return;
        }
        try {
            registration.handle().handle(registration, event.update(operation, result, flags, operationId));
        } catch (Throwable t) {
            // One handle's failure must not stop the loop or lose the other completions.
            logger.warn("{} failed handling {}", registration.handle(), event, t);
        } finally {
            if ((flags & CompletionFlags.MORE) == 0) {
                registration.completed(); // else the operation is still in flight
            }
        }
    }

    @Override
    public void wakeup() {
        if (!executor.isExecutorThread(Thread.currentThread())) {
            failureBackoff.interrupt();
            port.wakeup();
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (!(handle instanceof IocpIoHandle iocpHandle)) {
            throw new IllegalArgumentException("an IocpIoHandler serves IocpIoHandles, not " + handle.getClass().getName());
        }
        if (shuttingDown || destroyed) {
            throw new IllegalStateException("the IocpIoHandler is shutting down");
        }
        IocpIoRegistration registration = new IocpIoRegistration(this, iocpHandle, registrations.nextFreeKey());
        registrations.put(registration);
        handle.registered();
        return registration;
    }

    void remove(IocpIoRegistration registration) {
        registrations.remove(registration);
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return IocpIoHandle.class.isAssignableFrom(handleType);
    }

    /**
     * Closes every handle gracefully: a channel sends what was flushed, then closes. This does
     * not wait: Netty keeps running the loop (and so dispatching completions and the tasks
     * channels schedule as they close) for as long as the caller's quiet period and timeout
     * allow; {@link #destroy()} then closes at once whatever is still open.
     */
    @Override
    public void prepareToDestroy() {
        if (!shuttingDown) {
            shuttingDown = true;
            closeAll(true);
            awaitCancellingCloses(DESTROY_DRAIN_NANOS);
        }
    }

    /**
     * Dequeues until no channel's close waits for the completions of the operations it
     * cancelled, or until {@code nanos} have passed. A close finishes in Netty's
     * {@code AbstractUnsafe.close}, which fires channelInactive and channelUnregistered through
     * a task; the loop runs tasks only until it has shut down, and with no quiet period that is
     * right after this call, so these closes finish here, while it still does. (Cancellations
     * complete at once; closes waiting for flushed data to go out are left to the loop's quiet
     * period and timeout.)
     */
    private void awaitCancellingCloses(long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            while (anyCancellingClose() && System.nanoTime() < deadline) {
                port.dequeue(dispatcher, MAX_COMPLETIONS_PER_RUN, TimeUnit.MILLISECONDS.toNanos(10));
                endBatches();
            }
        } catch (IOException | RuntimeException e) {
            logger.warn("failed dispatching completions while shutting down {}", this, e);
        }
    }

    private boolean anyCancellingClose() {
        for (IocpIoRegistration registration : live()) {
            if (registration.handle().isCancellingForClose()) {
                return true;
            }
        }
        return false;
    }

    private void closeAll(boolean gracefully) {
        for (IocpIoRegistration registration : live()) {
            try {
                if (gracefully) {
                    registration.handle().close();
                } else {
                    registration.handle().abort();
                }
            } catch (Exception e) {
                logger.warn("failed to close {}", registration.handle(), e);
            }
        }
    }

    /** Dispatches completions until nothing registered has an operation in flight, or time runs out. */
    private void drain(long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            while (registrations.size() > 0 && port.pendingOperations() > 0 && System.nanoTime() < deadline) {
                port.dequeue(dispatcher, MAX_COMPLETIONS_PER_RUN, TimeUnit.MILLISECONDS.toNanos(10));
                endBatches();
            }
        } catch (IOException | RuntimeException e) {
            logger.warn("failed dispatching completions while shutting down {}", this, e);
        }
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        try {
            closeAll(false); // normally prepareToDestroy has closed everything already
            drain(DESTROY_DRAIN_NANOS);
        } finally {
            try {
                port.close();
            } catch (IOException | RuntimeException e) {
                logger.warn("failed closing {}", port, e);
            }
            for (IocpIoRegistration registration : live()) {
                registration.unregister();
            }
        }
    }

    private List<IocpIoRegistration> live() {
        return registrations.live();
    }

    @Override
    public String toString() {
        return "IocpIoHandler[" + port + ", registrations " + registrations.size() + "]";
    }
}
