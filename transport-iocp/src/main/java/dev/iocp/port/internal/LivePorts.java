package dev.iocp.port.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The metrics recorders of every open port in this JVM, which the
 * {@code dev.iocp.PortStatistics} JFR event reports. A port joins when it is built and leaves
 * when it closes; the set holds ports weakly, so one dropped without being closed does not stay
 * here (or alive) either.
 *
 * <p>The JFR event is registered the first time a port opens, and only where the {@code jdk.jfr}
 * module is present (a jlinked runtime may lack it).
 */
final class LivePorts {
    /** Guarded by itself. */
    private static final Set<PortMetricsRecorder> OPEN = Collections.newSetFromMap(new WeakHashMap<>());

    static {
        if (ModuleLayer.boot().findModule("jdk.jfr").isPresent()) {
            PortStatisticsEvent.registerPeriodic();
        }
    }

    private LivePorts() {
    }

    static void add(PortMetricsRecorder port) {
        synchronized (OPEN) {
            OPEN.add(port);
        }
    }

    static void remove(PortMetricsRecorder port) {
        synchronized (OPEN) {
            OPEN.remove(port);
        }
    }

    /** The ports open now, copied so that the caller reads them without holding the lock. */
    static List<PortMetricsRecorder> open() {
        synchronized (OPEN) {
            return new ArrayList<>(OPEN);
        }
    }
}
