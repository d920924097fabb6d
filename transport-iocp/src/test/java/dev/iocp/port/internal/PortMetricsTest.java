package dev.iocp.port.internal;

import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import dev.iocp.port.PortMetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recorder, its view, snapshots and the live-port registry, without a port. */
class PortMetricsTest {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final OwnerThread owner = new OwnerThread();
    private final PortMetricsRecorder recorder = new PortMetricsRecorder("test", owner, inFlight::get);
    private final PortMetrics metrics = recorder.view();

    @Test
    void batchSizesFallIntoPowerOfTwoBuckets() {
        int[][] sizeAndBucket = {
            {0, 0}, {1, 1}, {2, 2}, {3, 2}, {4, 3}, {7, 3}, {8, 4}, {255, 8}, {256, 9}, {511, 9}, {512, 10},
            {Integer.MAX_VALUE, 10},
        };
        for (int[] pair : sizeAndBucket) {
            assertEquals(pair[1], PortMetrics.batchSizeBucket(pair[0]), "bucket of " + pair[0]);
        }
        assertThrows(IllegalArgumentException.class, () -> PortMetrics.batchSizeBucket(-1));
    }

    @Test
    void bucketLabelsNameTheSizesTheyCount() {
        List<String> labels = new ArrayList<>();
        for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
            labels.add(PortMetrics.batchSizeBucketLabel(bucket));
        }
        assertEquals(List.of("0", "1", "2-3", "4-7", "8-15", "16-31", "32-63", "64-127", "128-255", "256-511", "512+"),
                labels);
        assertThrows(IndexOutOfBoundsException.class, () -> PortMetrics.batchSizeBucketLabel(11));
        assertThrows(IndexOutOfBoundsException.class, () -> metrics.batchSizeCount(-1));
    }

    @Test
    void whatTheOwnerRecordsIsWhatTheViewReads() {
        recorder.submitted();
        recorder.submitted();
        recorder.submissionBacklogged();
        recorder.enteredKernel(false);
        recorder.enteredKernel(true);
        recorder.dequeued(0);
        recorder.dequeued(3);
        recorder.dequeued(700);
        recorder.completionQueueSampled(true, 0);
        recorder.completionQueueSampled(false, 2);
        recorder.providedBuffers(64);
        recorder.providedBuffersInUse(5);
        recorder.providedBufferExhausted();
        inFlight.set(4);

        assertEquals(2, metrics.get(PortCounter.SUBMISSIONS));
        assertEquals(1, metrics.get(PortCounter.SUBMISSIONS_BACKLOGGED));
        assertEquals(2, metrics.get(PortCounter.KERNEL_ENTRIES));
        assertEquals(1, metrics.get(PortCounter.KERNEL_WAITS));
        assertEquals(3, metrics.get(PortCounter.DEQUEUES));
        assertEquals(703, metrics.get(PortCounter.COMPLETIONS));
        assertEquals(1, metrics.batchSizeCount(0));
        assertEquals(1, metrics.batchSizeCount(2));
        assertEquals(1, metrics.batchSizeCount(10));
        assertEquals(1, metrics.get(PortCounter.COMPLETION_QUEUE_OVERFLOWS));
        assertEquals(2, metrics.get(PortCounter.COMPLETIONS_DROPPED), "the ring's own running count");
        assertEquals(64, metrics.get(PortCounter.PROVIDED_BUFFERS));
        assertEquals(5, metrics.get(PortCounter.PROVIDED_BUFFERS_IN_USE));
        assertEquals(1, metrics.get(PortCounter.PROVIDED_BUFFER_EXHAUSTIONS));
        assertEquals(4, metrics.get(PortCounter.OPERATIONS_IN_FLIGHT));
        assertEquals("test", metrics.backend());
        assertNull(recorder.owner(), "nobody has used the port");
        owner.claim();
        assertEquals(Thread.currentThread(), recorder.owner());
    }

    @Test
    void aSnapshotSinceAnEarlierOneSubtractsCountersAndKeepsGauges() {
        recorder.dequeued(2);
        inFlight.set(10);
        PortMetricsSnapshot before = metrics.snapshot();
        recorder.dequeued(2);
        recorder.dequeued(1);
        inFlight.set(3);
        PortMetricsSnapshot since = metrics.snapshot().since(before);
        assertEquals(3, since.get(PortCounter.COMPLETIONS));
        assertEquals(2, since.get(PortCounter.DEQUEUES));
        assertEquals(1, since.batchSizeCount(1));
        assertEquals(1, since.batchSizeCount(2));
        assertEquals(3, since.get(PortCounter.OPERATIONS_IN_FLIGHT), "a gauge is a level, not a difference");
        assertTrue(since.toString().startsWith("test completions=3 dequeues=2 "), since::toString);
        assertTrue(since.toString().endsWith(" 1:1 2-3:1 4-7:0 8-15:0 16-31:0 32-63:0 64-127:0 128-255:0 256-511:0 512+:0"),
                since::toString);
    }

    @Test
    void aSnapshotHoldsEveryCounterAndBucket() {
        Map<PortCounter, Long> some = new EnumMap<>(PortCounter.class);
        some.put(PortCounter.COMPLETIONS, 1L);
        List<Long> buckets = Collections.nCopies(PortMetrics.BATCH_SIZE_BUCKETS, 0L);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new PortMetricsSnapshot("test", some, buckets));
        assertTrue(missing.getMessage().contains("DEQUEUES"), missing.getMessage());
        Map<PortCounter, Long> all = new EnumMap<>(PortCounter.class);
        for (PortCounter counter : PortCounter.values()) {
            all.put(counter, 0L);
        }
        assertThrows(IllegalArgumentException.class, () -> new PortMetricsSnapshot("test", all, List.of(0L)));
        PortMetricsSnapshot snapshot = new PortMetricsSnapshot("test", all, buckets);
        assertThrows(UnsupportedOperationException.class, () -> snapshot.counters().put(PortCounter.COMPLETIONS, 1L));
    }

    @Test
    void anOpenedPortIsLiveUntilItCloses() {
        recorder.opened();
        assertTrue(LivePorts.open().contains(recorder));
        recorder.closed();
        assertFalse(LivePorts.open().contains(recorder));
    }

    @Test
    void theLivePortsDoNotKeepAPortThatWasDroppedOpen() throws InterruptedException {
        WeakReference<PortMetricsRecorder> dropped = openAndDrop();
        for (int i = 0; i < 50 && dropped.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(dropped.get(), "the live-port registry held a port nobody else did");
    }

    private static WeakReference<PortMetricsRecorder> openAndDrop() {
        PortMetricsRecorder opened = new PortMetricsRecorder("test", new OwnerThread(), () -> 0);
        opened.opened();
        return new WeakReference<>(opened);
    }
}
