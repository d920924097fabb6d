package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * The comparison as a markdown document: the settings, one table with a row per metric and a
 * column per transport (median over rounds, and the min–max spread), the ratios of transport-iocp
 * to its references with the targets judged, and whatever went wrong.
 */
final class MarkdownReport {
    private MarkdownReport() {
    }

    static String write(RunDescription run, Results results, List<String> problems, List<String> warnings) {
        StringBuilder md = new StringBuilder();
        md.append("# transport-iocp vs Netty: side-by-side comparison\n\n");
        if (run.quick()) {
            md.append("> **Quick run** (`--quick`): a check that the tool works end to end, not a measurement."
                    + " Figures from seconds-long runs on a shared machine mean little.\n\n");
        }
        settings(md, run);
        table(md, run, results);
        targetSummary(md, run, results);
        notes(md, run);
        list(md, "Problems (figures missing or suspect)", problems);
        list(md, "Warnings", warnings);
        return md.toString();
    }

    private static void list(StringBuilder md, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        md.append("\n## ").append(title).append("\n\n");
        for (String item : items) {
            md.append("- ").append(item.replace("\n", " ")).append('\n');
        }
    }

    private static void settings(StringBuilder md, RunDescription run) {
        md.append("- started: ").append(run.started()).append('\n');
        md.append("- rounds: ").append(run.rounds()).append(" (transports interleaved within each round)")
                .append("; measured interval: ").append(run.durationSeconds()).append(" s")
                .append("; warm-up before each workload: ").append(run.warmupSeconds()).append(" s\n");
        md.append("- transports: ").append(join(run.transports().stream().map(ComparedTransport::cliName).toList()))
                .append("; workloads: ").append(join(run.workloads().stream().map(Workload::cliName).toList())).append('\n');
        md.append("- pinning: ").append(run.pinning()).append("; one server event loop\n");
        for (String line : run.machine()) {
            md.append("- ").append(line).append('\n');
        }
        md.append('\n');
    }

    private static void table(StringBuilder md, RunDescription run, Results results) {
        List<ComparedTransport> transports = run.transports();
        List<ComparedTransport> subjects = subjects(transports);
        List<String> header = new ArrayList<>(List.of("workload", "metric"));
        transports.forEach(t -> header.add(t.cliName()));
        for (ComparedTransport subject : subjects) {
            header.add(subject == ComparedTransport.IOCP ? "iocp ÷ Netty" : "iocp-nio ÷ nio");
            header.add(subject.cliName() + " target");
        }
        row(md, header);
        row(md, header.stream().map(h -> "---").toList());
        String previousWorkload = null;
        for (Metric metric : Metric.values()) {
            if (!run.workloads().contains(metric.workload())) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            String workload = metric.workloadLabel(run.idleConnections());
            cells.add(workload.equals(previousWorkload) ? "" : workload);
            previousWorkload = workload;
            cells.add(metric.quantity() + " (" + metric.unit()
                    + (metric.compared() ? ", " + (metric.higherIsBetter() ? "↑" : "↓") : "") + ")");
            for (ComparedTransport transport : transports) {
                cells.add(spread(results.perRound(metric, transport)));
            }
            for (ComparedTransport subject : subjects) {
                TargetCheck check = TargetCheck.of(results, metric, subject);
                cells.add(ratioCell(check));
                cells.add(check.markdown());
            }
            row(md, cells);
        }
    }

    /** Median, then (min–max) when the rounds differed. */
    private static String spread(double[] perRound) {
        double median = Stats.median(perRound);
        if (Double.isNaN(median)) {
            return "–";
        }
        String text = Format.figure(median);
        String min = Format.figure(Stats.min(perRound));
        String max = Format.figure(Stats.max(perRound));
        return min.equals(max) ? text : text + " (" + min + "–" + max + ")";
    }

    private static String ratioCell(TargetCheck check) {
        Ratios.Summary ratios = check.ratios();
        if (Double.isNaN(ratios.median())) {
            return "–";
        }
        String text = Format.ratio(ratios.median());
        String min = Format.ratio(ratios.min());
        String max = Format.ratio(ratios.max());
        if (!min.equals(max)) {
            text += " (" + min + "–" + max + ")";
        }
        return text + " vs " + ratios.references();
    }

    private static void targetSummary(StringBuilder md, RunDescription run, Results results) {
        List<ComparedTransport> subjects = subjects(run.transports());
        if (subjects.isEmpty()) {
            return;
        }
        md.append("\nTargets met (median over rounds of the per-round ratio; ↑ higher is better, ↓ lower):");
        for (ComparedTransport subject : subjects) {
            int pass = 0;
            int fail = 0;
            int missing = 0;
            for (Metric metric : Metric.values()) {
                if (metric.target(subject) == null || !run.workloads().contains(metric.workload())) {
                    continue;
                }
                switch (TargetCheck.of(results, metric, subject).verdict()) {
                    case PASS -> pass++;
                    case FAIL -> fail++;
                    case NOT_APPLICABLE -> missing++;
                }
            }
            md.append(" ").append(subject.cliName()).append(" ").append(pass).append(" of ").append(pass + fail + missing)
                    .append(missing > 0 ? " (" + missing + " not judged: figure or reference missing)" : "").append(';');
        }
        md.setLength(md.length() - 1);
        md.append(".\n");
    }

    private static void notes(StringBuilder md, RunDescription run) {
        md.append("""

                How it is measured: each transport runs in its own server JVM (one event loop, pooled allocator,
                serial GC, fixed pre-touched heap) pinned to one CPU; the load (wrk for HTTP, a Java NIO client for
                the rest) runs pinned to another. Server CPU per operation is the server process's utime + stime
                from /proc/PID/stat over the measured interval, divided by the operations completed in it. Heap
                allocated per operation is the server's own per-thread allocation counters
                (com.sun.management.ThreadMXBean#getThreadAllocatedBytes, all threads but its control thread)
                over the same interval. Memory per idle connection is the server's delta after a full GC
                between before the connections and with all of them open (and, for the closed row, after they
                all closed), divided by their number; RSS is VmRSS (the heap is pre-touched, so it shows native
                memory). "iocp ÷ Netty" divides iocp's figure by, in each round, the best of Netty's nio, epoll
                and io_uring (higher throughput, lower cost), or by epoll where the target names epoll;
                "iocp-nio ÷ nio" by Netty NIO of the same round. Cells: median over rounds (min–max).
                Raw figures: rounds.csv (every round), ratios.csv (every per-round ratio); chart: ratios.svg;
                server logs: logs/.
                """);
    }

    private static List<ComparedTransport> subjects(List<ComparedTransport> transports) {
        return transports.stream().filter(t -> !t.isNetty()).toList();
    }

    private static void row(StringBuilder md, List<String> cells) {
        md.append("| ").append(String.join(" | ", cells.stream().map(c -> c.replace("|", "\\|")).toList())).append(" |\n");
    }

    private static String join(List<String> names) {
        return String.join(", ", names);
    }
}
