package dev.iocp.benchmarks.compare;

import java.util.List;

/**
 * What the report says about how a run was made: its settings and the machine, so two result
 * folders can be told apart and a quick check is never mistaken for a measurement.
 *
 * @param quick     whether this was a {@code --quick} check of the tool
 * @param started   when the run started (ISO-8601)
 * @param machine   lines about the machine and software: kernel, CPU, JDK, Netty, source
 * @param pinning   where the server and the load ran, e.g. "server on CPU 0, load on CPU 1"
 */
record RunDescription(boolean quick, String started, int rounds, int durationSeconds, int warmupSeconds,
                      int idleConnections, List<ComparedTransport> transports, List<Workload> workloads,
                      List<String> machine, String pinning) {
}
