package dev.iocp.benchmarks.compare;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The orchestrator's command line. {@code --quick} changes the defaults (one round of short runs,
 * for checking the tool); options given explicitly win over it.
 *
 * @param pin    whether to pin the server to CPU 0 and the load to CPU 1 (taskset)
 * @param source what was measured, as the script describes it (git commit), for the report
 */
record CompareOptions(int rounds, int durationSeconds, int warmupSeconds, List<Workload> workloads,
                      List<ComparedTransport> transports, int idleConnections, Path out, boolean pin, boolean quick,
                      String source) {

    static final String USAGE = """
            usage: compare.sh [--quick] [--rounds N] [--duration SECONDS] [--warmup SECONDS]
                              [--only http,keepalive,pipelined,echo,bulk,pingpong,idle]
                              [--transports iocp,iocp-nio,nio,epoll,io_uring] [--idle-connections N]
                              [--out DIR] [--no-pin]
              --quick              1 round, 2 s runs, 1 s warm-ups: checks the tool, measures nothing (< 3 min)
              --rounds N           rounds; all transports run in each round, interleaved (default 3)
              --duration SECONDS   measured interval of each workload (default 10)
              --warmup SECONDS     warm-up before each workload, on the same server (default 3)
              --only LIST          workloads to run (default: all); http = keepalive,pipelined
              --transports LIST    transports to run (default: all five)
              --idle-connections N connections of the idle workload (default 10000)
              --out DIR            where the results go (default benchmarks/results/<timestamp>)
              --no-pin             do not pin the server and the load to CPUs 0 and 1
            """;

    private static final Set<String> VALUED = Set.of("--rounds", "--duration", "--warmup", "--only", "--transports",
            "--idle-connections", "--out", "--source");
    private static final Set<String> SWITCHES = Set.of("--quick", "--no-pin");

    static CompareOptions parse(String[] args) {
        Flags flags = Flags.parse(args, VALUED, SWITCHES);
        boolean quick = flags.has("--quick");
        List<Workload> workloads = flags.given("--only")
                ? List.copyOf(Workload.parseList(flags.required("--only")))
                : Arrays.asList(Workload.values());
        return new CompareOptions(
                flags.intValue("--rounds", quick ? 1 : 3, 1, 100),
                flags.intValue("--duration", quick ? 2 : 10, 1, 3_600),
                flags.intValue("--warmup", quick ? 1 : 3, 1, 3_600),
                workloads,
                ComparedTransport.parseList(flags.value("--transports", ComparedTransport.allNames())),
                flags.intValue("--idle-connections", 10_000, 1, 1_000_000),
                Path.of(flags.required("--out")),
                !flags.has("--no-pin"),
                quick,
                flags.value("--source", "unknown"));
    }

    /** Whether any workload needs wrk. */
    boolean needsWrk() {
        return workloads.contains(Workload.KEEPALIVE) || workloads.contains(Workload.PIPELINED);
    }

    /**
     * A rough upper estimate of the run's length in seconds, printed at the start so a person knows
     * whether to wait: the measured and warm-up intervals, plus a few seconds per server start and
     * for the idle workload's collections.
     */
    long estimatedSeconds() {
        long perTransport = 0;
        Set<Workload.ServerRun> serverRuns = new HashSet<>();
        for (Workload workload : workloads) {
            serverRuns.add(workload.serverRun());
            perTransport += workload == Workload.IDLE ? 1 + 3 + idleConnections / 2_000 : warmupSeconds + durationSeconds + 1;
        }
        perTransport += 2L * serverRuns.size();
        return perTransport * transports.size() * rounds;
    }
}
