package dev.iocp.benchmarks.compare;

/**
 * A server's CPU time and counters at one instant, with the load side's CPU time; two of them
 * bound a measured interval.
 *
 * @param cpuTicks     the whole server process's utime + stime ({@link ProcStat#cpuTicks(long)})
 * @param loadCpuTicks the load side's: this process and the wrk runs it has reaped
 *                     ({@link ProcStat#selfAndChildrenTicks})
 * @param nanoTime     the orchestrator's {@link System#nanoTime} when it was taken
 */
record ServerSnapshot(long cpuTicks, long loadCpuTicks, long nanoTime, ServerCounters counters) {

    /** Server CPU between {@code start} and this snapshot, in microseconds. */
    double cpuMicrosSince(ServerSnapshot start, long ticksPerSecond) {
        return (cpuTicks - start.cpuTicks) * 1e6 / ticksPerSecond;
    }

    /**
     * The load side's CPU use between {@code start} and this snapshot, in percent of one CPU:
     * near 100 % the load generator, not the server, may be what limits the throughput.
     */
    double loadCpuPercentSince(ServerSnapshot start, long ticksPerSecond) {
        double cpuSeconds = (double) (loadCpuTicks - start.loadCpuTicks) / ticksPerSecond;
        return 100 * cpuSeconds / ((nanoTime - start.nanoTime) / 1e9);
    }

    /** Heap bytes the server's threads allocated between {@code start} and this snapshot. */
    long allocatedSince(ServerSnapshot start) {
        return counters.allocatedBytes() - start.counters.allocatedBytes();
    }

    /** Failures the server counted between {@code start} and this snapshot. */
    long errorsSince(ServerSnapshot start) {
        return counters.errors() - start.counters.errors();
    }
}
