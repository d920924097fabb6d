package dev.iocp.port.internal;

import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * The JFR event {@value #NAME}: every period, one event per open port with its
 * {@linkplain PortCounter counters} and batch-size histogram, as {@link PortMetrics} reads them.
 *
 * <p>Off unless a recording enables it (e.g. {@code jfr configure +dev.iocp.PortStatistics#enabled=true},
 * or {@code Recording.enable("dev.iocp.PortStatistics")}); then it runs every second unless the
 * recording sets another period. Nothing is read or allocated while no recording asks for it.
 */
@Name(PortStatisticsEvent.NAME)
@Label("Completion Port Statistics")
@Category("transport-iocp")
@Description("The counters of one transport-iocp completion port (one per event loop), cumulative since it opened")
@Enabled(false)
@Period("1 s")
@StackTrace(false)
final class PortStatisticsEvent extends Event {
    static final String NAME = "dev.iocp.PortStatistics";

    @Label("Port Id")
    @Description("Identifies the port among those of this JVM")
    long portId;

    @Label("Backend")
    String backend;

    @Label("Owner Thread")
    @Description("The thread that drives the port (an event loop); null while no thread has used it")
    Thread owner;

    @Label("Completions")
    long completions;

    @Label("Dequeues")
    long dequeues;

    @Label("Kernel Entries")
    long kernelEntries;

    @Label("Kernel Waits")
    long kernelWaits;

    @Label("Submissions")
    long submissions;

    @Label("Submissions Backlogged")
    long submissionsBacklogged;

    @Label("Completion Queue Overflows")
    long completionQueueOverflows;

    @Label("Completions Dropped")
    long completionsDropped;

    @Label("Operations In Flight")
    long operationsInFlight;

    @Label("Wake-ups Signalled")
    long wakeupsSignalled;

    @Label("Wake-ups Coalesced")
    long wakeupsCoalesced;

    @Label("Provided Buffers")
    long providedBuffers;

    @Label("Provided Buffers In Use")
    long providedBuffersInUse;

    @Label("Provided Buffer Exhaustions")
    long providedBufferExhaustions;

    @Label("Batches of 0")
    @Description("Dequeues that delivered nothing (a timeout or a wake-up)")
    long batchesOf0;

    @Label("Batches of 1")
    long batchesOf1;

    @Label("Batches of 2-3")
    long batchesOf2To3;

    @Label("Batches of 4-7")
    long batchesOf4To7;

    @Label("Batches of 8-15")
    long batchesOf8To15;

    @Label("Batches of 16-31")
    long batchesOf16To31;

    @Label("Batches of 32-63")
    long batchesOf32To63;

    @Label("Batches of 64-127")
    long batchesOf64To127;

    @Label("Batches of 128-255")
    long batchesOf128To255;

    @Label("Batches of 256-511")
    long batchesOf256To511;

    @Label("Batches of 512 or More")
    long batchesOf512OrMore;

    /**
     * Registers the periodic hook once JFR initialises (at once if it already has): registering
     * earlier would load JFR's metadata in every application that opens a port.
     */
    static void registerPeriodic() {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                FlightRecorder.addPeriodicEvent(PortStatisticsEvent.class, PortStatisticsEvent::emitForOpenPorts);
            }
        });
    }

    /** The periodic hook: JFR calls it on its own thread, and only while a recording enables the event. */
    private static void emitForOpenPorts() {
        for (PortMetricsRecorder port : LivePorts.open()) {
            PortStatisticsEvent event = new PortStatisticsEvent();
            event.portId = port.id();
            event.backend = port.backend();
            event.owner = port.owner();
            for (PortCounter counter : PortCounter.values()) {
                event.set(counter, port.read(counter));
            }
            for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
                event.setBatches(bucket, port.batchSizeCount(bucket));
            }
            event.commit();
        }
    }

    /** A switch expression, so a counter added to {@link PortCounter} without a field here does not compile. */
    private long set(PortCounter counter, long value) {
        return switch (counter) {
            case COMPLETIONS -> completions = value;
            case DEQUEUES -> dequeues = value;
            case KERNEL_ENTRIES -> kernelEntries = value;
            case KERNEL_WAITS -> kernelWaits = value;
            case SUBMISSIONS -> submissions = value;
            case SUBMISSIONS_BACKLOGGED -> submissionsBacklogged = value;
            case COMPLETION_QUEUE_OVERFLOWS -> completionQueueOverflows = value;
            case COMPLETIONS_DROPPED -> completionsDropped = value;
            case OPERATIONS_IN_FLIGHT -> operationsInFlight = value;
            case WAKEUPS_SIGNALLED -> wakeupsSignalled = value;
            case WAKEUPS_COALESCED -> wakeupsCoalesced = value;
            case PROVIDED_BUFFERS -> providedBuffers = value;
            case PROVIDED_BUFFERS_IN_USE -> providedBuffersInUse = value;
            case PROVIDED_BUFFER_EXHAUSTIONS -> providedBufferExhaustions = value;
        };
    }

    private void setBatches(int bucket, long count) {
        switch (bucket) {
            case 0 -> batchesOf0 = count;
            case 1 -> batchesOf1 = count;
            case 2 -> batchesOf2To3 = count;
            case 3 -> batchesOf4To7 = count;
            case 4 -> batchesOf8To15 = count;
            case 5 -> batchesOf16To31 = count;
            case 6 -> batchesOf32To63 = count;
            case 7 -> batchesOf64To127 = count;
            case 8 -> batchesOf128To255 = count;
            case 9 -> batchesOf256To511 = count;
            case 10 -> batchesOf512OrMore = count;
            default -> throw new IndexOutOfBoundsException("no batch-size bucket " + bucket);
        }
    }
}
