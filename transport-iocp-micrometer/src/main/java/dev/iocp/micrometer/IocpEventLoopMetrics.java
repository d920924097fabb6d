package dev.iocp.micrometer;

import dev.iocp.channel.Iocp;
import dev.iocp.port.PortCounter;
import dev.iocp.port.PortMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Binds the completion-port counters of every event loop of an Iocp event loop group to a
 * Micrometer registry: one line in an application,
 * {@code new IocpEventLoopMetrics(group).bindTo(registry)}, or a {@code MeterBinder} bean where a
 * framework binds them (Spring Boot binds every such bean to its registry).
 *
 * <p>Each {@link PortCounter} becomes a meter named {@code iocp.port.} and the counter's
 * {@linkplain PortCounter#metricName() name} ({@code iocp.port.completions},
 * {@code iocp.port.kernel.waits} …): a {@link FunctionCounter} for a count that only grows, a
 * {@link Gauge} for a {@linkplain PortCounter#isGauge() level}; and the dequeue batch-size
 * histogram becomes {@code iocp.port.dequeue.batches}, a counter per bucket told apart by the tag
 * {@code batch.size} ({@code 0}, {@code 1}, {@code 2-3} … {@code 512+}). Every meter is tagged
 * {@code event.loop} (the loop's position in the group, {@code 0} first) and {@code backend}
 * ({@code io_uring} or {@code nio}), besides the tags given here.
 *
 * <p>The meters read the ports' live counters when the registry asks, so binding costs the event
 * loops nothing: no allocation, no lock, no extra work per completion (see {@link PortMetrics}).
 * They hold the group's loops' metrics views, which stay readable after the group has shut down
 * (with their last values).
 */
public final class IocpEventLoopMetrics implements MeterBinder {
    /** The prefix of every meter's name. */
    public static final String PREFIX = "iocp.port.";
    /** The name of the dequeue batch-size histogram's counters. */
    public static final String DEQUEUE_BATCHES = PREFIX + "dequeue.batches";

    private final List<PortMetrics> loops;
    private final Tags tags;

    /**
     * The metrics of {@code group}'s event loops, with no extra tags.
     *
     * @param group an {@code IocpEventLoopGroup}, or a {@code MultiThreadIoEventLoopGroup} made
     *              with {@code IocpIoHandler.newFactory()}
     * @throws IllegalArgumentException if a loop of {@code group} does not run on transport-iocp
     */
    public IocpEventLoopMetrics(EventExecutorGroup group) {
        this(group, Tags.empty());
    }

    /**
     * The metrics of {@code group}'s event loops, each meter also tagged with {@code tags} (for
     * example the group's role: {@code Tags.of("group", "workers")}).
     *
     * @param group an {@code IocpEventLoopGroup}, or a {@code MultiThreadIoEventLoopGroup} made
     *              with {@code IocpIoHandler.newFactory()}
     * @param tags  added to every meter
     * @throws IllegalArgumentException if a loop of {@code group} does not run on transport-iocp
     */
    public IocpEventLoopMetrics(EventExecutorGroup group, Iterable<Tag> tags) {
        Objects.requireNonNull(group, "group");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        List<PortMetrics> metrics = new ArrayList<>();
        for (EventExecutor loop : group) {
            metrics.add(Iocp.metrics(loop)); // refuses a loop of another transport, saying so
        }
        this.loops = List.copyOf(metrics);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (int index = 0; index < loops.size(); index++) {
            PortMetrics metrics = loops.get(index);
            Tags loopTags = tags.and("event.loop", Integer.toString(index), "backend", metrics.backend());
            for (PortCounter counter : PortCounter.values()) {
                String name = PREFIX + counter.metricName();
                if (counter.isGauge()) {
                    Gauge.builder(name, metrics, m -> m.get(counter))
                            .description(counter.description()).tags(loopTags).register(registry);
                } else {
                    FunctionCounter.builder(name, metrics, m -> m.get(counter))
                            .description(counter.description()).tags(loopTags).register(registry);
                }
            }
            for (int bucket = 0; bucket < PortMetrics.BATCH_SIZE_BUCKETS; bucket++) {
                int b = bucket;
                FunctionCounter.builder(DEQUEUE_BATCHES, metrics, m -> m.batchSizeCount(b))
                        .description("dequeue calls that delivered a number of completions in the batch.size range")
                        .tags(loopTags.and("batch.size", PortMetrics.batchSizeBucketLabel(bucket)))
                        .register(registry);
            }
        }
    }
}
