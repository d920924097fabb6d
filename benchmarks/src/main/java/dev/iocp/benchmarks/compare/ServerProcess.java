package dev.iocp.benchmarks.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running {@link CompareServer} as the orchestrator sees it: its address, its process (whose CPU
 * time is read from /proc), and its control channel. Its output (the start-up line, anything it
 * logs) goes to a log file in the results.
 */
final class ServerProcess implements AutoCloseable {
    private static final String LISTENING = "compare-server listening";
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_SECONDS = 20;

    private final Process process;
    private final long pid;
    private final InetSocketAddress address;
    private final ControlClient control;

    private ServerProcess(Process process, long pid, InetSocketAddress address, ControlClient control) {
        this.process = process;
        this.pid = pid;
        this.address = address;
        this.control = control;
    }

    /** Runs {@code command} and waits until the server listens; its output is appended to {@code log}. */
    static ServerProcess start(List<String> command, Path log) throws IOException {
        Process process = ChildProcesses.started(new ProcessBuilder(command).redirectErrorStream(true).start());
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-output-" + process.pid())
                .start(() -> copyOutput(process, String.join(" ", command), log, listening));
        try {
            String line = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, String> fields = KeyValues.parse(line);
            InetAddress loopback = InetAddress.getLoopbackAddress();
            InetSocketAddress address = new InetSocketAddress(loopback, (int) KeyValues.longValue(fields, "port", line));
            ControlClient control = new ControlClient(
                    new InetSocketAddress(loopback, (int) KeyValues.longValue(fields, "control_port", line)));
            return new ServerProcess(process, KeyValues.longValue(fields, "pid", line), address, control);
        } catch (TimeoutException e) {
            kill(process);
            throw new IOException("the server did not listen within " + START_TIMEOUT_SECONDS + " s; see " + log);
        } catch (ExecutionException e) {
            kill(process);
            throw new IOException(e.getCause().getMessage() + "; see " + log, e.getCause());
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the server started", e);
        } catch (IOException | RuntimeException e) {
            kill(process);
            throw e;
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /** CPU time and counters now: the start or end of a measured interval. */
    ServerSnapshot snapshot() throws IOException {
        long ticks = ProcStat.cpuTicks(pid);
        long loadTicks = ProcStat.selfAndChildrenTicks();
        long now = System.nanoTime();
        return new ServerSnapshot(ticks, loadTicks, now, control.stats());
    }

    /** Counters once full collections have settled the heap (heap_used is then the live heap). */
    ServerCounters afterFullGc() throws IOException {
        return control.gc();
    }

    /** Waits until the server has {@code count} active connections; an error naming the count it has otherwise. */
    void awaitConnections(int count, long timeoutMillis) throws IOException {
        long now = control.awaitConnections(count, timeoutMillis);
        if (now != count) {
            throw new IOException("the server has " + now + " connections after " + timeoutMillis + " ms, not " + count);
        }
    }

    List<String> transportMetrics() throws IOException {
        return control.transportMetrics();
    }

    /** Asks the server to stop and waits for it; kills it when it does not. */
    @Override
    public void close() {
        try {
            control.shutdown();
        } catch (IOException e) {
            // It may be gone already; stop() below makes sure.
        }
        try {
            control.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
        stop(process);
    }

    private static void kill(Process process) {
        process.destroyForcibly();
        stop(process);
    }

    /** Waits for {@code process} to end, killing it when it does not in time. */
    private static void stop(Process process) {
        try {
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.ended(process);
        }
    }

    /** Copies the server's output to the log; completes {@code listening} with its start-up line. */
    private static void copyOutput(Process process, String command, Path log, CompletableFuture<String> listening) {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            writer.write("# " + command + "\n");
            writer.flush();
            String line;
            while ((line = output.readLine()) != null) {
                writer.write(line + "\n");
                writer.flush();
                if (!listening.isDone() && line.startsWith(LISTENING)) {
                    listening.complete(line);
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        try {
            int status = process.waitFor();
            listening.completeExceptionally(new IOException("the server exited with status " + status + " before listening"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
