package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP load: wrk (https://github.com/wg/wrk), one thread, pinned to the load CPU. For
 * pipelining, a Lua script ({@code wrk-pipeline.lua}) makes each of wrk's writes a batch of
 * requests; wrk counts every response.
 */
final class Wrk {
    /** wrk ends by itself after its duration; past this much more it is killed and the run fails. */
    private static final long GRACE_SECONDS = 60;

    private final Path executable;
    private final List<String> pinToLoadCpu;

    Wrk(Path executable, List<String> pinToLoadCpu) {
        this.executable = executable;
        this.pinToLoadCpu = List.copyOf(pinToLoadCpu);
    }

    /**
     * Runs wrk against {@code server} for {@code seconds} with {@code connections}; with a
     * {@code script}, its arguments follow {@code --}.
     */
    WrkResult run(InetSocketAddress server, int connections, int seconds, Path script, List<String> scriptArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(pinToLoadCpu);
        command.addAll(List.of(executable.toString(), "-t1", "-c" + connections, "-d" + seconds + "s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add("http://" + server.getHostString() + ":" + server.getPort() + "/");
        if (script != null && !scriptArgs.isEmpty()) {
            command.add("--");
            command.addAll(scriptArgs);
        }
        Process wrk = ChildProcesses.started(new ProcessBuilder(command).redirectErrorStream(true).start());
        long limitSeconds = seconds + GRACE_SECONDS;
        try (Watchdog _ = Watchdog.arm(wrk::destroyForcibly, TimeUnit.SECONDS.toNanos(limitSeconds))) {
            String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!wrk.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("wrk did not end within " + limitSeconds + " s");
            }
            if (wrk.exitValue() != 0) {
                throw new IOException("wrk exited with status " + wrk.exitValue() + ":\n" + output);
            }
            return WrkResult.parse(output);
        } finally {
            wrk.destroyForcibly();
            ChildProcesses.ended(wrk);
        }
    }
}
