package dev.iocp.benchmarks.soak;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one driver process has done and seen. Each failure is printed at once, as a
 * {@code driver-failure} line, because the process may be killed at any moment: a failure
 * must be on record before that. The totals are printed every few seconds as a cumulative
 * {@code driver-tally} line, so a killed process loses at most the last few seconds of its
 * counts (the totals are lower bounds; the failure count is exact).
 */
final class DriverTally {
    private static final int MAX_DETAIL = 300;

    private final Map<Scenario, LongAdder> sessions = new EnumMap<>(Scenario.class);
    private final LongAdder echoBytes = new LongAdder();
    private final LongAdder httpResponses = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final long pid = ProcessHandle.current().pid();

    DriverTally() {
        for (Scenario scenario : Scenario.values()) {
            sessions.put(scenario, new LongAdder());
        }
    }

    void sessionDone(Scenario scenario) {
        sessions.get(scenario).increment();
    }

    void echoVerified(long bytes) {
        echoBytes.add(bytes);
    }

    void httpVerified() {
        httpResponses.increment();
    }

    /** Counts and prints a failure; {@code scenario} may be {@code null} when it concerns no one session. */
    void failure(Scenario scenario, String kind, String detail) {
        failures.increment();
        String shortDetail = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
        System.out.println("driver-failure pid=" + pid + " scenario=" + name(scenario) + " kind=" + kind
                + " detail=" + shortDetail.replace('\n', ' '));
    }

    long failures() {
        return failures.sum();
    }

    /** The cumulative totals; {@code last} marks the line printed at a normal exit. */
    String line(boolean last) {
        StringBuilder line = new StringBuilder("driver-tally pid=").append(pid)
                .append(" final=").append(last ? 1 : 0)
                .append(" failures=").append(failures.sum())
                .append(" echo_bytes=").append(echoBytes.sum())
                .append(" http_responses=").append(httpResponses.sum());
        for (Map.Entry<Scenario, LongAdder> entry : sessions.entrySet()) {
            line.append(' ').append(name(entry.getKey())).append('=').append(entry.getValue().sum());
        }
        return line.toString();
    }

    private static String name(Scenario scenario) {
        return scenario == null ? "none" : scenario.name().toLowerCase(Locale.ROOT);
    }
}
