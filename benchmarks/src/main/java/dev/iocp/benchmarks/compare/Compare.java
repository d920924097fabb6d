package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side comparison of transport-iocp with Netty's transports (issue #8), run by
 * {@code benchmarks/scripts/compare.sh}, which builds the jar, pins this process to the load CPU
 * and passes {@code --out}. See {@link CompareOptions#USAGE} for the options.
 *
 * <p>Each round runs every transport once per server kind (HTTP, echo, idle), transports
 * interleaved, the order rotated by one each round so no transport always goes first. Every
 * server start gets its own JVM; every workload is warmed up on it before it is measured. The
 * results (markdown table, raw CSVs, SVG chart, server logs) go to the output folder, and the
 * table is printed at the end. Exit status 0 when every measurement ran, 1 when some failed
 * (they are listed under "Problems"), 2 for a bad command line or missing tool.
 */
public final class Compare {
    private static final String PIPELINE_SCRIPT = "wrk-pipeline.lua";

    private final CompareOptions options;
    private final Results results;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> transportMetrics = new ArrayList<>();

    private Compare(CompareOptions options) {
        this.options = options;
        this.results = new Results(options.rounds());
    }

    public static void main(String[] args) throws Exception {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
            checkTools(options);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("compare: " + e.getMessage());
            System.err.print(CompareOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(new Compare(options).run());
    }

    private static void checkTools(CompareOptions options) {
        if (options.needsWrk() && Executables.find("wrk").isEmpty()) {
            throw new IllegalStateException("wrk is not on the PATH; install it (Debian/Ubuntu: apt-get install -y wrk)"
                    + " or leave the HTTP workloads out: --only echo,bulk,pingpong,idle");
        }
        if (options.pin() && Executables.find("taskset").isEmpty()) {
            throw new IllegalStateException("taskset is not on the PATH (util-linux); install it or run with --no-pin");
        }
        long maxFiles = ProcLimits.maxOpenFiles();
        int needed = options.idleConnections() + 1_000;
        if (options.workloads().contains(Workload.IDLE) && maxFiles >= 0 && maxFiles < needed) {
            throw new IllegalStateException("--idle-connections " + options.idleConnections() + " needs about " + needed
                    + " open files per process, but the limit is " + maxFiles + " (ulimit -n)");
        }
    }

    private int run() throws IOException, InterruptedException {
        Path out = options.out();
        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        Path pipelineScript = out.resolve(PIPELINE_SCRIPT);
        try (InputStream script = Compare.class.getResourceAsStream(PIPELINE_SCRIPT)) {
            if (script == null) {
                throw new IllegalStateException(PIPELINE_SCRIPT + " is missing from the class path");
            }
            Files.copy(script, pipelineScript, StandardCopyOption.REPLACE_EXISTING);
        }
        ServerLauncher launcher = new ServerLauncher(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), options.pin() ? List.of("taskset", "-c", "0") : List.of());
        Wrk wrk = new Wrk(Executables.find("wrk").orElse(Path.of("wrk")), options.pin() ? List.of("taskset", "-c", "1") : List.of());
        WorkloadRunner runner = new WorkloadRunner(ProcStat.ticksPerSecond(), options.durationSeconds(),
                options.warmupSeconds(), options.idleConnections(), wrk, pipelineScript);
        RunDescription run = new RunDescription(options.quick(),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(), options.rounds(),
                options.durationSeconds(), options.warmupSeconds(), options.idleConnections(), options.transports(),
                options.workloads(), Machine.describe(options.source()),
                options.pin() ? "server on CPU 0, load (this process, wrk) on CPU 1" : "none (--no-pin)");

        System.out.printf(Locale.ROOT, "compare: %d round(s) of %s on %s; about %d min; results in %s%n",
                options.rounds(), names(options.workloads().stream().map(Workload::cliName).toList()),
                names(options.transports().stream().map(ComparedTransport::cliName).toList()),
                Math.max(1, Math.round(options.estimatedSeconds() / 60.0)), out);
        for (int round = 1; round <= options.rounds(); round++) {
            for (Workload.ServerRun serverRun : Workload.ServerRun.values()) {
                List<Workload> workloads = options.workloads().stream().filter(w -> w.serverRun() == serverRun).toList();
                if (workloads.isEmpty()) {
                    continue;
                }
                for (ComparedTransport transport : order(options.transports(), round)) {
                    runServer(round, transport, serverRun, workloads, launcher, runner, logs);
                }
            }
        }
        run = withLoadAtEnd(run);
        Files.writeString(out.resolve("results.md"), MarkdownReport.write(run, results, problems, warnings), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("rounds.csv"), RawCsv.rounds(results, options.transports()), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("ratios.csv"), RawCsv.ratios(results, options.transports()), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("ratios.svg"), SvgChart.write(run, results), StandardCharsets.UTF_8);
        Files.write(out.resolve("transport-metrics.txt"), transportMetrics, StandardCharsets.UTF_8);
        System.out.println();
        System.out.print(MarkdownReport.write(run, results, problems, warnings));
        System.out.println("\nresults: " + out.resolve("results.md") + ", rounds.csv, ratios.csv, ratios.svg, logs/");
        return problems.isEmpty() ? 0 : 1;
    }

    /** One server start: every selected workload of {@code serverRun}, measured on it in turn. */
    private void runServer(int round, ComparedTransport transport, Workload.ServerRun serverRun, List<Workload> workloads,
                           ServerLauncher launcher, WorkloadRunner runner, Path logs) throws InterruptedException {
        String serverName = serverRun.name().toLowerCase(Locale.ROOT);
        Path log = logs.resolve("round" + round + "-" + transport.cliName() + "-" + serverName + ".log");
        try (ServerProcess server = launcher.start(transport, serverRun.serverWorkload(), log)) {
            for (Workload workload : workloads) {
                String context = "round " + round + ", " + transport.cliName() + ", " + workload.cliName() + ": ";
                RunNotes notes = new RunNotes();
                try {
                    Map<Metric, Double> figures = runner.run(workload, server, notes);
                    figures.forEach((metric, value) -> results.put(round, transport, metric, value));
                    progress(round, transport, workload, figures);
                } catch (IOException | UncheckedIOException e) {
                    notes.problem("failed: " + e.getMessage() + serverErrors(server, log));
                }
                for (String problem : notes.problems()) {
                    problems.add(context + problem);
                    System.out.println("  ! " + context + problem);
                }
                for (String warning : notes.warnings()) {
                    warnings.add(context + warning);
                    System.out.println("  ~ " + context + warning);
                }
                for (String line : server.transportMetrics()) {
                    transportMetrics.add("round=" + round + " transport=" + transport.cliName()
                            + " workload=" + workload.cliName() + " " + line);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            String problem = "round " + round + ", " + transport.cliName() + ", " + serverName + " server: " + e.getMessage();
            problems.add(problem);
            System.out.println("  ! " + problem);
        }
    }

    /** Where a failed workload's cause is likely to be: the server's own failures, when it counted any. */
    private static String serverErrors(ServerProcess server, Path log) {
        try {
            long errors = server.snapshot().counters().errors();
            return errors == 0 ? "" : " (the server reported " + errors + " unexpected pipeline failures: see " + log + ")";
        } catch (IOException | UncheckedIOException e) {
            return " (the server does not answer: see " + log + ")";
        }
    }

    private void progress(int round, ComparedTransport transport, Workload workload, Map<Metric, Double> figures) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[round %d/%d] %-9s %-10s",
                round, options.rounds(), transport.cliName(), workload.cliName()));
        figures.forEach((metric, value) -> line.append(' ').append(metric.key()).append('=')
                .append(Format.figure(value)).append(' ').append(metric.unit()).append(';'));
        System.out.println(line);
    }

    /** The transports in round {@code round}'s order: rotated by one each round. */
    static List<ComparedTransport> order(List<ComparedTransport> transports, int round) {
        List<ComparedTransport> order = new ArrayList<>(transports);
        Collections.rotate(order, -((round - 1) % transports.size()));
        return order;
    }

    private static RunDescription withLoadAtEnd(RunDescription run) {
        List<String> machine = new ArrayList<>(run.machine());
        machine.add("load average at the end: " + Machine.loadAverage());
        return new RunDescription(run.quick(), run.started(), run.rounds(), run.durationSeconds(), run.warmupSeconds(),
                run.idleConnections(), run.transports(), run.workloads(), machine, run.pinning());
    }

    private static String names(List<String> names) {
        return String.join(",", names);
    }
}
