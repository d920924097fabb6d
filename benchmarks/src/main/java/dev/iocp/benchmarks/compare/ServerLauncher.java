package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the orchestrator starts a {@link CompareServer}: the same JVM, class path and flags for
 * every transport, pinned to the server's CPU, with only the transport's own flags added.
 *
 * <p>The flags: a fixed, pre-touched heap, so RSS moves only with native memory and the heap's
 * growth never shows as a transport's cost; the serial collector, which the JVM picks anyway with
 * one CPU, named so that every server collects the same way and {@code System.gc()} is a full
 * collection, told to compact all of the heap every time (no "dead wood" left counted as used,
 * see {@link FullGc}); Netty's pooled allocator, whose counters the memory rows read; no leak
 * detection, whose sampling would add allocations of its own.
 */
final class ServerLauncher {
    static final List<String> SERVER_JVM_FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
            "-XX:+UseSerialGC", "-XX:MarkSweepDeadRatio=0",
            "-XX:MaxDirectMemorySize=1g",
            "-Dio.netty.allocator.type=pooled",
            "-Dio.netty.leakDetection.level=disabled");

    private final String java;
    private final String classPath;
    private final List<String> pinToServerCpu;

    /** @param pinToServerCpu the command prefix that pins the server, e.g. {@code taskset -c 0}; empty for none */
    ServerLauncher(String java, String classPath, List<String> pinToServerCpu) {
        this.java = java;
        this.classPath = classPath;
        this.pinToServerCpu = List.copyOf(pinToServerCpu);
    }

    /** The command line of a server of {@code transport} serving {@code workload}. */
    List<String> command(ComparedTransport transport, ServerWorkload workload) {
        List<String> command = new ArrayList<>(pinToServerCpu);
        command.add(java);
        command.addAll(SERVER_JVM_FLAGS);
        command.addAll(transport.jvmFlags());
        command.addAll(List.of("-cp", classPath, CompareServer.class.getName(),
                "--transport", transport.cliName(), "--workload", workload.cliName()));
        return command;
    }

    /** Starts the server and waits until it listens; its output goes to {@code log}. */
    ServerProcess start(ComparedTransport transport, ServerWorkload workload, Path log) throws IOException {
        return ServerProcess.start(command(transport, workload), log);
    }
}
