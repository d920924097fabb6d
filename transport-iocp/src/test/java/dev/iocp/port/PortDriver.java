package dev.iocp.port;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** Dequeues a port from the test thread until a condition holds, with a deadline. */
public final class PortDriver {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final CompletionPort port;
    private final List<Completion> seen = new ArrayList<>();

    public PortDriver(CompletionPort port) {
        this.port = port;
    }

    /** Dequeues until {@code count} completions have been seen in total; returns them all. */
    public List<Completion> awaitCount(int count) throws IOException {
        return awaitUntil(all -> all.size() >= count, "at least " + count + " completions");
    }

    /** Dequeues until a completion matches. */
    public Completion await(Predicate<Completion> match, String what) throws IOException {
        awaitUntil(all -> all.stream().anyMatch(match), what);
        return seen.stream().filter(match).findFirst().orElseThrow();
    }

    public List<Completion> awaitUntil(Predicate<List<Completion>> done, String what) throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!done.test(seen)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("timed out waiting for " + what + "; saw " + seen);
            }
            port.dequeue((key, operation, result, flags, id) -> seen.add(new Completion(key, operation, result, flags, id)),
                    64, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
        return seen;
    }

    public List<Completion> seen() {
        return seen;
    }
}
