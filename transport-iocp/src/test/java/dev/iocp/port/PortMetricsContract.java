package dev.iocp.port;

import dev.iocp.port.internal.PortMetricsRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every backend's {@link CompletionPort#metrics()} counts: a backend's test extends this and
 * names the backend, as with {@link CompletionPortContract}. The counters are checked against
 * what the test itself did and saw (submissions made, completions and dequeue batch sizes
 * returned), never against timings.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class PortMetricsContract {
    private static final CompletionHandler IGNORE = (key, operation, result, flags, id) -> { };
    /** The JFR event's name, as the README documents it. */
    private static final String PORT_STATISTICS = "dev.iocp.PortStatistics";
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    protected CompletionPort port;

    protected abstract Backend backend();

    /** Opens a port of the backend under test. */
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return backend().openPort(config);
    }

    @BeforeEach
    void openPort() throws IOException {
        Backend backend = backend();
        Assumptions.assumeTrue(backend.isAvailable(),
                () -> backend.name() + " is unavailable: " + backend.unavailabilityCause().getMessage());
        port = openPort(PortConfig.DEFAULT);
    }

    @AfterEach
    void closePort() throws IOException {
        if (port != null) {
            port.close();
        }
    }

    /** Dequeues until {@code count} completions have arrived; returns what each dequeue delivered. */
    protected List<Integer> dequeueUntil(int count) throws IOException {
        return dequeueUntil(count, 1024);
    }

    /** The same, at most {@code max} completions per dequeue. */
    protected List<Integer> dequeueUntil(int count, int max) throws IOException {
        List<Integer> batches = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        int total = 0;
        while (total < count) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + total + " of " + count + " completions");
            }
            int delivered = port.dequeue(IGNORE, max, TimeUnit.MILLISECONDS.toNanos(200));
            batches.add(delivered);
            total += delivered;
        }
        assertEquals(count, total, "no more completions than operations");
        return batches;
    }

    /** The bucket of a batch size, worked out apart from PortMetrics: 0, 1, 2–3, 4–7, …, 512+. */
    private static int bucketOf(int size) {
        int bucket = 0;
        while (bucket < PortMetrics.BATCH_SIZE_BUCKETS - 1 && size >= (1 << bucket)) {
            bucket++;
        }
        return bucket;
    }

    @Test
    void submissionsCompletionsAndOperationsInFlightFollowWhatThePortDoes() throws IOException {
        PortMetrics metrics = port.metrics();
        assertEquals(backend().name(), metrics.backend());
        for (int i = 0; i < 5; i++) {
            port.submitNop(i);
        }
        long timer = port.submitTimeout(9, TimeUnit.HOURS.toNanos(1));
        assertEquals(6, metrics.get(PortCounter.SUBMISSIONS));
        assertEquals(6, metrics.get(PortCounter.OPERATIONS_IN_FLIGHT));
        assertEquals(0, metrics.get(PortCounter.COMPLETIONS), "nothing is delivered before a dequeue");

        List<Integer> batches = dequeueUntil(5);
        assertEquals(5, metrics.get(PortCounter.COMPLETIONS));
        assertEquals(1, metrics.get(PortCounter.OPERATIONS_IN_FLIGHT), "the timer is still in flight");

        port.submitCancel(null, timer);
        assertEquals(7, metrics.get(PortCounter.SUBMISSIONS), "the cancel is an operation too");
        batches.addAll(dequeueUntil(2)); // the timer, cancelled, and the cancel
        assertEquals(7, metrics.get(PortCounter.COMPLETIONS));
        assertEquals(0, metrics.get(PortCounter.OPERATIONS_IN_FLIGHT));
        assertEquals(port.pendingOperations(), metrics.get(PortCounter.OPERATIONS_IN_FLIGHT));
        assertEquals(batches.size(), metrics.get(PortCounter.DEQUEUES));

        assertThrows(IllegalArgumentException.class, () -> port.submitTimeout(1, -1));
        assertEquals(7, metrics.get(PortCounter.SUBMISSIONS), "a refused submission is not counted");
    }

    @Test
    void eachDequeueIsCountedInTheBucketOfWhatItDelivered() throws IOException {
        List<Integer> batches = new ArrayList<>();
        batches.add(port.dequeue(IGNORE, 16, 0)); // nothing there: a batch of 0
        for (int burst : new int[] {1, 3, 6, 40, 600}) {
            for (int i = 0; i < burst; i++) {
                port.submitNop(i);
            }
            batches.addAll(dequeueUntil(burst));
        }
        long[] expected = new long[PortMetrics.BATCH_SIZE_BUCKETS];
        for (int size : batches) {
            expected[bucketOf(size)]++;
        }
        PortMetrics metrics = port.metrics();
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            assertEquals(expected[bucket], metrics.batchSizeCount(bucket),
                    "dequeues of " + PortMetrics.batchSizeBucketLabel(bucket) + " among " + batches);
        }
        assertEquals(batches.size(), metrics.get(PortCounter.DEQUEUES));
        assertEquals(1 + 3 + 6 + 40 + 600, metrics.get(PortCounter.COMPLETIONS));
    }

    @Test
    void onlyADequeueThatMayBlockCountsAsAWait() throws IOException {
        port.submitNop(1);
        dequeueUntil(1); // the owner is bound and what binding it queued is consumed
        PortMetrics metrics = port.metrics();

        PortMetricsSnapshot before = metrics.snapshot();
        assertEquals(0, port.dequeue(IGNORE, 16, 0));
        assertEquals(0, metrics.snapshot().since(before).get(PortCounter.KERNEL_WAITS), "a zero timeout never waits");

        before = metrics.snapshot();
        assertEquals(0, port.dequeue(IGNORE, 16, TimeUnit.MILLISECONDS.toNanos(1)));
        PortMetricsSnapshot waited = metrics.snapshot().since(before);
        assertEquals(1, waited.get(PortCounter.KERNEL_WAITS), "nothing was ready, so the dequeue waited in the kernel");
        assertTrue(waited.get(PortCounter.KERNEL_ENTRIES) >= 1, waited::toString);
        assertEquals(1, waited.get(PortCounter.DEQUEUES));
        assertEquals(1, waited.batchSizeCount(0), "a timeout delivers nothing");
    }

    @Test
    void aWakeupThatFindsTheOwnerWaitingIsSignalled() throws Exception {
        CompletionPort own = openPort(PortConfig.DEFAULT);
        PortMetrics metrics = own.metrics();
        CompletableFuture<Void> ownerDone = new CompletableFuture<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread owner = Thread.ofPlatform().start(() -> {
            try (own) {
                own.submitNop(1);
                own.dequeue(IGNORE, 16, TimeUnit.SECONDS.toNanos(5));
                // No timeout: only wake-ups end these waits.
                while (!stop.get()) {
                    own.dequeue(IGNORE, 16, -1);
                }
                ownerDone.complete(null);
            } catch (Throwable t) {
                ownerDone.completeExceptionally(t);
            }
        });
        // A wake-up that comes before the owner blocks is coalesced instead (its wait then
        // returns at once), so wake it until one finds it waiting: usually the first.
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        int wakeups = 0;
        while (metrics.get(PortCounter.WAKEUPS_SIGNALLED) == 0) {
            assertTrue(System.nanoTime() < deadline, "no wake-up found the owner waiting: " + metrics);
            Thread.sleep(10);
            own.wakeup();
            wakeups++;
        }
        stop.set(true);
        own.wakeup();
        wakeups++;
        ownerDone.get(60, TimeUnit.SECONDS);
        owner.join();
        long signalled = metrics.get(PortCounter.WAKEUPS_SIGNALLED);
        long coalesced = metrics.get(PortCounter.WAKEUPS_COALESCED);
        assertTrue(signalled + coalesced <= wakeups, "each wake-up ended a wait or made one be skipped, or joined "
                + "another that did: " + wakeups + " wake-ups, " + metrics);
        assertTrue(metrics.get(PortCounter.KERNEL_WAITS) >= signalled, "each signal ended a wait: " + metrics);
    }

    @Test
    void theCountersStayReadableAfterThePortCloses() throws IOException {
        port.submitNop(1);
        port.submitTimeout(2, TimeUnit.HOURS.toNanos(1));
        dequeueUntil(1);
        PortMetrics metrics = port.metrics();
        port.close();
        assertEquals(1, metrics.get(PortCounter.COMPLETIONS));
        assertEquals(2, metrics.get(PortCounter.SUBMISSIONS));
        assertEquals(0, metrics.get(PortCounter.OPERATIONS_IN_FLIGHT), "the close dropped the timer");
    }

    @Test
    void aRecordingGetsThePortStatisticsOfEachOpenPortAndNoneOfAClosedOne() throws Exception {
        port.submitNop(1);
        port.submitNop(2);
        List<Integer> batches = dequeueUntil(2);
        long open = PortMetricsRecorder.portId(port.metrics());
        CompletionPort closedPort = openPort(PortConfig.DEFAULT);
        long closed = PortMetricsRecorder.portId(closedPort.metrics());
        closedPort.close();

        List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<RecordedEvent> ours = new CompletableFuture<>();
        try (RecordingStream recording = new RecordingStream()) {
            recording.enable(PORT_STATISTICS).withPeriod(Duration.ofMillis(100));
            recording.onEvent(PORT_STATISTICS, event -> {
                events.add(event);
                if (event.getLong("portId") == open) {
                    ours.complete(event);
                }
            });
            recording.startAsync();
            RecordedEvent event = ours.get(60, TimeUnit.SECONDS);
            assertEquals(backend().name(), event.getString("backend"));
            assertEquals(Thread.currentThread().getName(), event.getThread("owner").getJavaName());
            assertEquals(2, event.getLong("submissions"));
            assertEquals(2, event.getLong("completions"));
            assertEquals(batches.size(), event.getLong("dequeues"));
            assertEquals(0, event.getLong("operationsInFlight"));
            long bucketed = 0;
            for (String field : List.of("batchesOf0", "batchesOf1", "batchesOf2To3", "batchesOf4To7", "batchesOf8To15",
                    "batchesOf16To31", "batchesOf32To63", "batchesOf64To127", "batchesOf128To255",
                    "batchesOf256To511", "batchesOf512OrMore")) {
                bucketed += event.getLong(field);
            }
            assertEquals(batches.size(), bucketed, "every dequeue is in one bucket");
        }
        assertTrue(events.stream().noneMatch(event -> event.getLong("portId") == closed),
                "a closed port is not reported");
    }
}
