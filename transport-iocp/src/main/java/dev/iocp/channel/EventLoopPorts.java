package dev.iocp.channel;

import dev.iocp.port.PortMetrics;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which port's metrics belong to which event loop, for {@link Iocp#metrics}. Netty hands an
 * {@code IoHandler} its event loop but offers no way back from the loop to its handler
 * ({@code SingleThreadIoEventLoop.ioHandler()} is protected), so each {@link IocpIoHandler}
 * enters itself here when it is created.
 *
 * <p>Both sides are weak: an entry lives exactly as long as its loop, which holds its handler,
 * which holds the port and its metrics. A strong value would pin the loop for good, since the
 * port reaches the loop's thread (its owner), and a thread reaches the loop it runs.
 */
final class EventLoopPorts {
    /** Guarded by itself. */
    private static final Map<ThreadAwareExecutor, WeakReference<PortMetrics>> METRICS = new WeakHashMap<>();

    private EventLoopPorts() {
    }

    static void add(ThreadAwareExecutor loop, PortMetrics metrics) {
        synchronized (METRICS) {
            METRICS.put(loop, new WeakReference<>(metrics));
        }
    }

    /** The metrics of the port that drives {@code loop}, or null if no IocpIoHandler drives it. */
    static PortMetrics of(EventExecutor loop) {
        WeakReference<PortMetrics> metrics;
        synchronized (METRICS) {
            metrics = METRICS.get(loop);
        }
        return metrics == null ? null : metrics.get();
    }
}
