package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iocp.benchmarks.compare.ComparedTransport.EPOLL;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP_NIO;
import static dev.iocp.benchmarks.compare.ComparedTransport.NIO;
import static dev.iocp.benchmarks.compare.RatiosTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWritersTest {
    private static final List<ComparedTransport> TRANSPORTS = List.of(IOCP, IOCP_NIO, NIO, EPOLL);

    private static RunDescription run(boolean quick, List<Workload> workloads) {
        return new RunDescription(quick, "2026-01-01T00:00Z", 2, 10, 3, 10_000, TRANSPORTS, workloads,
                List.of("machine: test"), "server on CPU 0, load on CPU 1");
    }

    private static Results echoResults() {
        Results results = new Results(2);
        put(results, Metric.ECHO_RTPS, IOCP, 120_000, 130_000);
        put(results, Metric.ECHO_RTPS, IOCP_NIO, 90_000, 95_000);
        put(results, Metric.ECHO_RTPS, NIO, 100_000, 95_000);
        put(results, Metric.ECHO_RTPS, EPOLL, 110_000, 100_000);
        return results;
    }

    @Test
    void markdownHasARowPerMetricAColumnPerTransportAndTheRatiosWithTheirTargets() {
        String md = MarkdownReport.write(run(false, List.of(Workload.ECHO)), echoResults(), List.of(), List.of());

        assertTrue(md.contains("| workload | metric | iocp | iocp-nio | nio | epoll | iocp ÷ Netty | iocp target"
                + " | iocp-nio ÷ nio | iocp-nio target |"), md);
        // iocp: 120/110 and 130/100: median 1.195; iocp-nio: 90/100 and 95/95: median 0.95.
        String row = md.lines().filter(l -> l.contains("round trips/s")).findFirst().orElseThrow();
        assertEquals("| echo, 256 connections, 64 B | round trips/s (rt/s, ↑) | 125 000 (120 000–130 000)"
                + " | 92 500 (90 000–95 000) | 97 500 (95 000–100 000) | 105 000 (100 000–110 000)"
                + " | 1.20 (1.09–1.30) vs epoll | ≥ 1.10×: PASS | 0.95 (0.90–1.00) vs nio | ≥ 1.00×: **FAIL** |", row);
        assertFalse(md.contains("Quick run"));
        assertFalse(md.contains("## Problems"));
        assertTrue(md.contains("Targets met"), md);
    }

    @Test
    void markdownLeavesOutWorkloadsThatDidNotRunAndListsProblemsAndWarnings() {
        String md = MarkdownReport.write(run(true, List.of(Workload.ECHO)), echoResults(),
                List.of("round 1, epoll, echo: failed: boom"), List.of("round 1, iocp, echo: load at 95 %"));

        assertTrue(md.contains("**Quick run**"));
        assertFalse(md.contains("HTTP keep-alive"));
        assertTrue(md.contains("## Problems (figures missing or suspect)\n\n- round 1, epoll, echo: failed: boom"), md);
        assertTrue(md.contains("## Warnings\n\n- round 1, iocp, echo: load at 95 %"), md);
    }

    @Test
    void markdownEscapesPipesInCells() {
        String md = MarkdownReport.write(run(false, List.of(Workload.ECHO)), echoResults(), List.of("a | b"), List.of());
        assertTrue(md.contains("- a | b"), "list items are not table cells");
        assertFalse(md.lines().filter(l -> l.startsWith("|")).anyMatch(l -> l.contains(" a | b")));
    }

    @Test
    void svgHasABarPerSubjectAndMetricTheOneLineAndTargetTicks() {
        String svg = SvgChart.write(run(false, List.of(Workload.ECHO)), echoResults());

        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(svg.trim().endsWith("</svg>"));
        assertEquals(2, count(svg, "<rect class=\"bar\""), "one bar each for iocp and iocp-nio");
        assertTrue(svg.contains("stroke=\"#d62728\""), "the 1.0 line");
        assertTrue(svg.contains(">1.20</text>"));
        assertTrue(svg.contains(">0.95</text>"));
        assertEquals(2, count(svg, "class=\"target\""), "a target tick on each bar");
        assertTrue(svg.contains("÷"));
    }

    @Test
    void svgBarsGrowFromTheOneLineBothWaysOnALogAxis() {
        Results results = new Results(1);
        put(results, Metric.ECHO_RTPS, IOCP, 200);
        put(results, Metric.ECHO_RTPS, EPOLL, 100);
        put(results, Metric.ECHO_RTPS, IOCP_NIO, 50);
        put(results, Metric.ECHO_RTPS, NIO, 100);
        String svg = SvgChart.write(run(false, List.of(Workload.ECHO)), results);
        // Axis 0.5..2 over x 450..930: 1.0 at 690; 2.0 at 930; 0.5 at 450. Both bars are 240 wide.
        assertTrue(svg.contains("<rect class=\"bar\" x=\"690.0\" y=\"92\" width=\"240.0\""), svg);
        assertTrue(svg.contains("<rect class=\"bar\" x=\"450.0\" y=\"107\" width=\"240.0\""), svg);
    }

    @Test
    void svgSaysSoWhenThereIsNothingToCompare() {
        Results results = new Results(1);
        put(results, Metric.ECHO_RTPS, EPOLL, 1);
        String svg = SvgChart.write(run(false, List.of(Workload.ECHO)), results);
        assertTrue(svg.contains("no ratio to show"));
    }

    @Test
    void svgEscapesMarkup() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot;", SvgChart.escape("a <b> & \"c\""));
    }

    @Test
    void csvHoldsEveryRoundAndEveryRatio() {
        Results results = echoResults();
        String rounds = RawCsv.rounds(results, TRANSPORTS);
        assertTrue(rounds.startsWith("round,transport,workload,metric,unit,value\n"));
        assertTrue(rounds.contains("1,iocp,echo,echo_rtps,rt/s,120000\n"), rounds);
        assertTrue(rounds.contains("2,epoll,echo,echo_rtps,rt/s,100000\n"), rounds);
        assertEquals(1 + 2 * 4, rounds.lines().count());

        String ratios = RawCsv.ratios(results, TRANSPORTS);
        assertTrue(ratios.contains("1,iocp,echo_rtps,best_netty,epoll,1.09091\n"), ratios);
        assertTrue(ratios.contains("1,iocp-nio,echo_rtps,nio,nio,0.900000\n"), ratios);
    }

    @Test
    void figuresAreGroupedAndRoundedBySize() {
        assertEquals("125 000", Format.figure(124_999.6));
        assertEquals("1 000", Format.figure(1_000));
        assertEquals("512.3", Format.figure(512.34));
        assertEquals("5.12", Format.figure(5.123));
        assertEquals("-2 048", Format.figure(-2_048));
        assertEquals("–", Format.figure(Double.NaN));
        assertEquals("∞", Format.ratio(Double.POSITIVE_INFINITY));
        assertEquals("10 000", Format.grouped(10_000));
        assertEquals("999", Format.grouped(999));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
