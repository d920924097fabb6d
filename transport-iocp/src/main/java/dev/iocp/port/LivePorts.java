package dev.iocp.port;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The metrics of every open port in this JVM, which the {@code dev.iocp.PortStatistics} JFR
 * event reports. A port joins when it is built and leaves when it closes; the set holds ports
 * weakly, so one dropped without being closed does not stay here (or alive) either.
 *
 * <p>The JFR event is registered the first time a port opens, and only where the {@code jdk.jfr}
 * module is present (a jlinked runtime may lack it).
 */
final class LivePorts {
    /** Guarded by itself. */
    private static final Set<PortMetrics> OPEN = Collections.newSetFromMap(new WeakHashMap<>());

    static {
        if (ModuleLayer.boot().findModule("jdk.jfr").isPresent()) {
            PortStatisticsEvent.registerPeriodic();
        }
    }

    private LivePorts() {
    }

    static void add(PortMetrics metrics) {
        synchronized (OPEN) {
            OPEN.add(metrics);
        }
    }

    static void remove(PortMetrics metrics) {
        synchronized (OPEN) {
            OPEN.remove(metrics);
        }
    }

    /** The ports open now, copied so that the caller reads them without holding the lock. */
    static List<PortMetrics> open() {
        synchronized (OPEN) {
            return new ArrayList<>(OPEN);
        }
    }
}
