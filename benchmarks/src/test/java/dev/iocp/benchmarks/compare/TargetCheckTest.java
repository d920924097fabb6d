package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import static dev.iocp.benchmarks.compare.ComparedTransport.EPOLL;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP_NIO;
import static dev.iocp.benchmarks.compare.ComparedTransport.IO_URING;
import static dev.iocp.benchmarks.compare.ComparedTransport.NIO;
import static dev.iocp.benchmarks.compare.RatiosTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TargetCheckTest {

    @Test
    void pipelinedThroughputPassesAtTenPercentAboveTheBestNettyAndFailsBelow() {
        Results results = new Results(3);
        put(results, Metric.PIPELINED_RPS, IOCP, 111, 105, 130);
        put(results, Metric.PIPELINED_RPS, EPOLL, 100, 100, 100);
        put(results, Metric.PIPELINED_RPS, IO_URING, 90, 90, 90);

        TargetCheck check = TargetCheck.of(results, Metric.PIPELINED_RPS, IOCP);

        // ratios 1.11, 1.05, 1.30: median 1.11
        assertEquals(Target.Verdict.PASS, check.verdict());
        assertEquals("≥ 1.10×: PASS", check.markdown());

        put(results, Metric.PIPELINED_RPS, IOCP, 100, 105, 130);
        assertEquals(Target.Verdict.FAIL, TargetCheck.of(results, Metric.PIPELINED_RPS, IOCP).verdict());
        assertEquals("≥ 1.10×: **FAIL**", TargetCheck.of(results, Metric.PIPELINED_RPS, IOCP).markdown());
    }

    @Test
    void idleHeapIsJudgedAgainstEpollEvenWhenAnotherNettyTransportIsLeaner() {
        Results results = new Results(1);
        put(results, Metric.IDLE_HEAP, IOCP, 790);
        put(results, Metric.IDLE_HEAP, EPOLL, 1000);
        put(results, Metric.IDLE_HEAP, NIO, 500);

        TargetCheck check = TargetCheck.of(results, Metric.IDLE_HEAP, IOCP);

        assertEquals("epoll", check.ratios().references());
        assertEquals(Target.Verdict.PASS, check.verdict());
    }

    @Test
    void pooledMemoryPerIdleConnectionIsAnAbsoluteZeroTarget() {
        Results results = new Results(1);
        put(results, Metric.IDLE_POOLED_PINNED, IOCP, 0.3);
        assertEquals(Target.Verdict.PASS, TargetCheck.of(results, Metric.IDLE_POOLED_PINNED, IOCP).verdict());
        assertEquals("= 0 B: PASS", TargetCheck.of(results, Metric.IDLE_POOLED_PINNED, IOCP).markdown());

        put(results, Metric.IDLE_POOLED_PINNED, IOCP, 2048);
        assertEquals(Target.Verdict.FAIL, TargetCheck.of(results, Metric.IDLE_POOLED_PINNED, IOCP).verdict());
    }

    @Test
    void aTargetWhoseReferenceDidNotRunIsNotJudged() {
        Results results = new Results(1);
        put(results, Metric.ECHO_ALLOC, IOCP, 10);
        put(results, Metric.ECHO_ALLOC, NIO, 100);

        TargetCheck check = TargetCheck.of(results, Metric.ECHO_ALLOC, IOCP);

        assertEquals(Target.Verdict.NOT_APPLICABLE, check.verdict());
        assertEquals("≤ 1.00×: n/a", check.markdown());
    }

    @Test
    void aRowWithoutATargetHasNoVerdict() {
        Results results = new Results(1);
        put(results, Metric.PINGPONG_P50, IOCP, 10);
        put(results, Metric.PINGPONG_P50, EPOLL, 20);
        TargetCheck check = TargetCheck.of(results, Metric.PINGPONG_P50, IOCP);
        assertNull(check.verdict());
        assertEquals("", check.markdown());
        assertEquals(0.5, check.ratios().median(), 1e-12);
    }

    @Test
    void theNioBackendsTargetsAreAgainstNettyNio() {
        Results results = new Results(1);
        put(results, Metric.PINGPONG_P99, IOCP_NIO, 100);
        put(results, Metric.PINGPONG_P99, NIO, 100);
        put(results, Metric.PINGPONG_P99, EPOLL, 10);
        TargetCheck check = TargetCheck.of(results, Metric.PINGPONG_P99, IOCP_NIO);
        assertEquals(Target.Verdict.PASS, check.verdict());
        assertEquals("≤ 1.00×: PASS", check.markdown());
    }
}
