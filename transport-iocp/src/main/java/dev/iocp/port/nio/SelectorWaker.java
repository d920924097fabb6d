package dev.iocp.port.nio;

import dev.iocp.port.internal.CoalescedWakeup;
import dev.iocp.port.internal.PortMetricsRecorder;

import java.nio.channels.Selector;

/**
 * Wakes a port's owner from another thread by {@linkplain Selector#wakeup() waking its
 * selector}, a system call (a write to the selector's wake-up descriptor) that the
 * {@link CoalescedWakeup} protocol makes only when the owner is actually blocked.
 */
final class SelectorWaker extends CoalescedWakeup {
    private final Selector selector;

    SelectorWaker(Selector selector, PortMetricsRecorder metrics) {
        super(metrics);
        this.selector = selector;
    }

    @Override
    protected void signal() {
        // Harmless once the selector is closed: the JDK then treats wake-ups as already sent.
        selector.wakeup();
    }
}
