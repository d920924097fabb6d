package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iocp.benchmarks.compare.ComparedTransport.EPOLL;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP_NIO;
import static dev.iocp.benchmarks.compare.ComparedTransport.IO_URING;
import static dev.iocp.benchmarks.compare.ComparedTransport.NIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatiosTest {

    @Test
    void eachRoundIsDividedByTheHighestNettyThroughputOfThatRound() {
        Results results = new Results(2);
        put(results, Metric.ECHO_RTPS, IOCP, 110, 90);
        put(results, Metric.ECHO_RTPS, NIO, 80, 100);
        put(results, Metric.ECHO_RTPS, EPOLL, 100, 60);
        put(results, Metric.ECHO_RTPS, IO_URING, 50, 50);

        List<Ratios.RoundRatio> ratios = Ratios.perRound(results, Metric.ECHO_RTPS, IOCP, Reference.BEST_NETTY);

        assertEquals(List.of(new Ratios.RoundRatio(1, 1.1, EPOLL), new Ratios.RoundRatio(2, 0.9, NIO)), ratios);
        Ratios.Summary summary = Ratios.summarize(ratios);
        assertEquals(1.0, summary.median(), 1e-12);
        assertEquals(0.9, summary.min(), 1e-12);
        assertEquals(1.1, summary.max(), 1e-12);
        assertEquals("epoll×1, nio×1", summary.references());
    }

    @Test
    void forACostTheBestNettyTransportIsTheCheapest() {
        Results results = new Results(1);
        put(results, Metric.KEEPALIVE_CPU, IOCP, 4.0);
        put(results, Metric.KEEPALIVE_CPU, NIO, 10.0);
        put(results, Metric.KEEPALIVE_CPU, EPOLL, 5.0);
        put(results, Metric.KEEPALIVE_CPU, IO_URING, 8.0);

        Ratios.Summary summary = Ratios.summarize(Ratios.perRound(results, Metric.KEEPALIVE_CPU, IOCP, Reference.BEST_NETTY));

        assertEquals(0.8, summary.median(), 1e-12);
        assertEquals("epoll", summary.references());
    }

    @Test
    void theNioBackendIsComparedWithNettyNioOnly() {
        Results results = new Results(1);
        put(results, Metric.ECHO_RTPS, IOCP_NIO, 90);
        put(results, Metric.ECHO_RTPS, NIO, 100);
        put(results, Metric.ECHO_RTPS, EPOLL, 300);

        Reference reference = Metric.ECHO_RTPS.reference(IOCP_NIO);

        assertEquals(Reference.NIO, reference);
        assertEquals(0.9, Ratios.perRound(results, Metric.ECHO_RTPS, IOCP_NIO, reference).get(0).ratio(), 1e-12);
    }

    @Test
    void aRoundWithoutTheSubjectOrAnyReferenceHasNoRatio() {
        Results results = new Results(3);
        results.put(1, IOCP, Metric.ECHO_RTPS, 100);
        results.put(2, EPOLL, Metric.ECHO_RTPS, 100);
        results.put(3, IOCP, Metric.ECHO_RTPS, 120);
        results.put(3, EPOLL, Metric.ECHO_RTPS, 100);

        List<Ratios.RoundRatio> ratios = Ratios.perRound(results, Metric.ECHO_RTPS, IOCP, Reference.BEST_NETTY);

        assertEquals(1, ratios.size());
        assertEquals(3, ratios.get(0).round());
    }

    @Test
    void memoryBelowZeroOrUnderHalfAByteCountsAsNothing() {
        Results results = new Results(1);
        put(results, Metric.IDLE_HEAP, IOCP, -40);
        put(results, Metric.IDLE_HEAP, EPOLL, 0.001);
        assertEquals(1.0, Ratios.perRound(results, Metric.IDLE_HEAP, IOCP, Reference.EPOLL).get(0).ratio());

        put(results, Metric.ECHO_ALLOC, IOCP, 82);
        put(results, Metric.ECHO_ALLOC, EPOLL, 0.001);
        assertTrue(Double.isInfinite(Ratios.perRound(results, Metric.ECHO_ALLOC, IOCP, Reference.EPOLL).get(0).ratio()));
    }

    @Test
    void aCheckRowHasNoRatio() {
        Results results = new Results(1);
        put(results, Metric.ECHO_LOAD_CPU, IOCP, 50);
        put(results, Metric.ECHO_LOAD_CPU, EPOLL, 60);
        assertEquals(null, Metric.ECHO_LOAD_CPU.reference(IOCP));
        assertTrue(Ratios.perRound(results, Metric.ECHO_LOAD_CPU, IOCP, null).isEmpty());
        assertTrue(Double.isNaN(Ratios.summarize(List.of()).median()));
    }

    static void put(Results results, Metric metric, ComparedTransport transport, double... perRound) {
        for (int i = 0; i < perRound.length; i++) {
            results.put(i + 1, transport, metric, perRound[i]);
        }
    }
}
