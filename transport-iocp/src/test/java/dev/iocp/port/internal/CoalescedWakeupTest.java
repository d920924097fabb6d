package dev.iocp.port.internal;

import dev.iocp.port.PortCounter;
import dev.iocp.port.PortException;
import dev.iocp.port.PortMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wake-up protocol's states, with a signal that can be made to fail. */
class CoalescedWakeupTest {
    private final Logger logger = Logger.getLogger(CoalescedWakeup.class.getName());
    private final List<Level> logged = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getLevel());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level levelBefore;

    @BeforeEach
    void recordLogging() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false); // recorded here, not printed
        logger.addHandler(recorder);
    }

    @AfterEach
    void stopRecording() {
        logger.removeHandler(recorder);
        logger.setUseParentHandlers(true);
        logger.setLevel(levelBefore);
    }

    private static PortMetricsRecorder newRecorder() {
        return new PortMetricsRecorder("test", new OwnerThread(), () -> 0);
    }

    /** Counts its signals; the first {@code failures} of them fail as a refused system call does. */
    private static final class FlakySignal extends CoalescedWakeup {
        private int failuresLeft;
        final PortMetrics metrics;
        int attempts;

        FlakySignal(int failures) {
            this(failures, newRecorder());
        }

        private FlakySignal(int failures, PortMetricsRecorder recorder) {
            super(recorder);
            this.metrics = recorder.view();
            this.failuresLeft = failures;
        }

        @Override
        protected void signal() throws IOException {
            attempts++;
            if (failuresLeft-- > 0) {
                throw new PortException("write(wake-up eventfd): EAGAIN (Resource temporarily unavailable)", -11);
            }
        }
    }

    @Test
    void aFailedSignalIsRetriedByTheNextWakeup() {
        FlakySignal waker = new FlakySignal(1);
        assertTrue(waker.prepareToWait());
        waker.wakeup(); // fails: the owner sleeps on
        assertEquals(1, waker.attempts);
        waker.wakeup();
        assertEquals(2, waker.attempts, "the owner still sleeps, so the next wake-up must signal again");
        assertEquals(1, waker.metrics.get(PortCounter.WAKEUPS_SIGNALLED), "only the signal that got through counts");
        waker.wakeup();
        assertEquals(2, waker.attempts, "once it got through, wake-ups coalesce again");
        assertEquals(1, waker.metrics.get(PortCounter.WAKEUPS_SIGNALLED));
    }

    @Test
    void aFailedSignalIsReportedAtWarningOnceThenQuietly() {
        FlakySignal waker = new FlakySignal(3);
        for (int i = 0; i < 3; i++) {
            waker.awake(); // the owner's wait ended at its timeout; it waits again
            assertTrue(waker.prepareToWait());
            waker.wakeup();
        }
        assertEquals(3, waker.attempts);
        assertEquals(List.of(Level.WARNING, Level.FINE, Level.FINE), logged);
    }

    @Test
    void aFailedSignalAfterTheOwnerWokeByItselfLeavesItAwake() {
        CoalescedWakeup[] self = new CoalescedWakeup[1];
        CoalescedWakeup waker = new CoalescedWakeup(newRecorder()) {
            @Override
            protected void signal() throws IOException {
                self[0].awake(); // the owner's wait timed out while the signal was failing
                throw new IOException("refused");
            }
        };
        self[0] = waker;
        assertTrue(waker.prepareToWait());
        waker.wakeup();
        assertTrue(waker.prepareToWait(), "the owner is awake and may wait again: nothing was restored over it");
    }

    @Test
    void wakeupsWhileTheOwnerIsBusyAreStickyAndCostNoSignal() {
        FlakySignal waker = new FlakySignal(0);
        waker.wakeup();
        waker.wakeup();
        assertFalse(waker.prepareToWait(), "a wake-up came in since the last wait");
        assertEquals(0, waker.attempts);
        assertEquals(1, waker.metrics.get(PortCounter.WAKEUPS_COALESCED), "two wake-ups, one wait skipped");
        assertTrue(waker.prepareToWait());
        waker.wakeup();
        assertEquals(1, waker.attempts);
        assertEquals(1, waker.metrics.get(PortCounter.WAKEUPS_SIGNALLED));
        assertEquals(1, waker.metrics.get(PortCounter.WAKEUPS_COALESCED));
    }
}
