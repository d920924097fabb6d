package dev.iocp.benchmarks.compare;

import dev.iocp.benchmarks.soak.ProcessProbe;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What the server reports about itself over its control channel: the counters the comparison
 * turns into allocation per operation and memory per connection. Taken inside the server, sent as
 * one {@code key=value} line, parsed back by the orchestrator.
 *
 * @param allocatedBytes     heap bytes allocated so far by the server's threads, the control thread
 *                           excepted ({@link ThreadAllocation})
 * @param heapUsedBytes      heap in use; after {@code gc} this is the live heap
 * @param pooledUsedDirect   {@code PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()}: the
 *                           direct arena chunks the pooled allocator holds (whole chunks, so it moves
 *                           in steps of a chunk)
 * @param pooledPinnedDirect {@code PooledByteBufAllocator.DEFAULT.pinnedDirectMemory()}: the part of
 *                           those chunks handed out to buffers not yet released, to the byte
 * @param nettyDirect        {@code PlatformDependent.usedDirectMemory()}: direct memory Netty
 *                           allocated without a cleaner (native transports' own buffers, say); -1
 *                           when Netty does not count it
 * @param jdkDirect          the JDK's {@code direct} buffer pool: every {@code ByteBuffer.allocateDirect},
 *                           pooled chunks included
 * @param rssKib             resident memory of the server process (VmRSS)
 * @param connections        child channels active now ({@link OpenConnections})
 * @param errors             failures other than I/O errors at the end of a pipeline so far
 *                           ({@link ServerErrors}); a run with any is reported as suspect
 */
record ServerCounters(long allocatedBytes, long heapUsedBytes, long pooledUsedDirect, long pooledPinnedDirect,
                      long nettyDirect, long jdkDirect, long rssKib, long connections, long errors) {

    /** Takes the counters now, leaving out what {@code excludedThread} allocated. */
    static ServerCounters take(Thread excludedThread, OpenConnections connections) {
        return new ServerCounters(
                ThreadAllocation.allocatedBytesExcept(excludedThread),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(),
                PooledByteBufAllocator.DEFAULT.pinnedDirectMemory(),
                PlatformDependent.usedDirectMemory(),
                jdkDirectBytes(),
                ProcessProbe.rssKib(),
                connections.count(),
                ServerErrors.unexpected());
    }

    /** The counters as the control channel sends them. */
    String line() {
        return "allocated_bytes=" + allocatedBytes + " heap_used=" + heapUsedBytes
                + " pooled_used_direct=" + pooledUsedDirect + " pooled_pinned_direct=" + pooledPinnedDirect
                + " netty_direct=" + nettyDirect + " jdk_direct=" + jdkDirect
                + " rss_kib=" + rssKib + " connections=" + connections + " errors=" + errors;
    }

    /** The counters in a reply line; an error naming the line when one is missing. */
    static ServerCounters parse(String line) {
        Map<String, String> pairs = KeyValues.parse(line);
        return new ServerCounters(
                KeyValues.longValue(pairs, "allocated_bytes", line),
                KeyValues.longValue(pairs, "heap_used", line),
                KeyValues.longValue(pairs, "pooled_used_direct", line),
                KeyValues.longValue(pairs, "pooled_pinned_direct", line),
                KeyValues.longValue(pairs, "netty_direct", line),
                KeyValues.longValue(pairs, "jdk_direct", line),
                KeyValues.longValue(pairs, "rss_kib", line),
                KeyValues.longValue(pairs, "connections", line),
                KeyValues.longValue(pairs, "errors", line));
    }

    /**
     * Direct memory reserved, whoever reserved it: what Netty allocated without a cleaner (which
     * the JDK does not see) plus the JDK's direct buffers (which Netty's counter does not see).
     * Both count whole allocations: a pooled chunk is one, whatever part of it is in use.
     */
    long directReserved() {
        return Math.max(0, nettyDirect) + Math.max(0, jdkDirect);
    }

    private static long jdkDirectBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool.getMemoryUsed();
            }
        }
        return -1;
    }
}
