package dev.iocp.benchmarks.soak;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failures of one sort (unexpected exceptions, logged warnings) grouped by where they come from,
 * with a count each. A soak can see the same failure thousands of times; the log keeps the first
 * few in full, and this keeps the rest as one line per kind, for the final report.
 */
final class FailureKinds {
    private static final int MAX_KINDS = 100;
    private static final String OTHER = "(other kinds)";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one failure of the kind {@code kind}. */
    void add(String kind) {
        String key = counts.size() >= MAX_KINDS && !counts.containsKey(kind) ? OTHER : kind;
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /**
     * The kind of a throwable: its class and the frame it was thrown from (the message often
     * holds addresses or ids that would make every occurrence a kind of its own), and the same
     * for its root cause when there is one.
     */
    static String of(Throwable failure) {
        String kind = where(failure);
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? kind : kind + " caused by " + where(root);
    }

    private static String where(Throwable failure) {
        StackTraceElement[] stack = failure.getStackTrace();
        return failure.getClass().getName() + (stack.length > 0 ? " at " + stack[0] : "");
    }

    /** One {@code soak-kind} line per kind, the most frequent first. */
    List<String> lines(String what) {
        return counts.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed())
                .map(e -> "soak-kind what=" + what + " count=" + e.getValue().sum() + " kind=" + e.getKey())
                .toList();
    }
}
