package dev.iocp.smoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A documented command started as a reader starts it: its text handed to the shell, in a given
 * folder, with its output (both streams) going to a log file. Stopping it stops its whole
 * process tree by process id: {@code mvn ... exec:exec} is a Maven JVM with the example's JVM
 * as its child, and stopping only the first would leave the second holding its port.
 */
final class LaunchedCommand implements AutoCloseable {
    /** How long the tree has to exit after SIGTERM (the servers' shutdown hooks close them) before SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;

    private LaunchedCommand(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static LaunchedCommand start(String command, Path directory, Map<String, String> environment, Path log)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close(); // nothing is typed in
        return new LaunchedCommand(process, log);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the command to end by itself.
     *
     * @return its exit status
     * @throws TimeoutException when it is still running after {@code limit}
     */
    int awaitExit(Duration limit) throws InterruptedException, TimeoutException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("still running after " + limit.toSeconds() + " s");
        }
        return process.exitValue();
    }

    /** Everything the command has printed so far. */
    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * The last {@code lines} lines of {@link #output()} worth reading in a failure message:
     * without colour codes (Maven colours its output even into a file) and without stack-trace
     * frames, which would crowd out the program's own message.
     */
    String outputTail(int lines) {
        try {
            List<String> readable = output().lines()
                    .map(line -> line.replaceAll("\u001B\\[[0-9;]*m", ""))
                    .filter(line -> !line.matches("\\s+at .*|\\s*\\.\\.\\. \\d+ more|\\[ERROR\\]\\s*"))
                    .toList();
            return String.join("\n", readable.subList(Math.max(0, readable.size() - lines), readable.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e + ")";
        }
    }

    Path log() {
        return log;
    }

    /**
     * Stops the command and every process it started, as Ctrl-C would: SIGTERM to each process
     * of the tree, taken before any of them exits (a child whose parent is gone is no longer
     * found under it), then SIGKILL to whatever is left after {@link #GRACE}.
     *
     * @return the processes that had to be killed, described; empty when SIGTERM was enough
     */
    List<String> stopTree() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        List<String> killed = new ArrayList<>();
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle member : tree) {
            try {
                member.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException stillRunning) {
                killed.add(member.pid() + " " + member.info().commandLine().orElse("?"));
                member.destroyForcibly();
            }
        }
        for (ProcessHandle member : tree) {
            try {
                member.onExit().get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException("process " + member.pid() + " survived SIGKILL", e);
            }
        }
        return killed;
    }

    @Override
    public void close() throws InterruptedException {
        stopTree();
    }

    /** Whether the command's output has come to include {@code text} within {@code limit}. */
    boolean awaitOutput(String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
