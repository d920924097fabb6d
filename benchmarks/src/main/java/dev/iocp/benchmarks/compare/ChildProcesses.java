package dev.iocp.benchmarks.compare;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes the orchestrator has running (servers, wrk), destroyed when it exits for any
 * reason it can react to (the end, an error, Ctrl-C), so no server is left busy on its CPU. A
 * server whose orchestrator dies without this also stops by itself: its control channel closes.
 */
final class ChildProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "compare-children"));
    }

    private ChildProcesses() {
    }

    static Process started(Process process) {
        LIVE.add(process);
        return process;
    }

    static void ended(Process process) {
        LIVE.remove(process);
    }
}
