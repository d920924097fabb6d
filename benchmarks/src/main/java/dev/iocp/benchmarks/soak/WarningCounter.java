package dev.iocp.benchmarks.soak;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Counts warnings and errors logged by Netty and the transport, and keeps the log readable.
 *
 * <p>Some failures never reach a pipeline: an exception while handling a completion, a failed
 * close, a listener that threw. The event loop logs those and carries on, so under load they
 * would scroll by unnoticed. Netty logs through {@code java.util.logging} when no other logging
 * library is on the class path (as in the benchmarks jar), so this handler, in place of the
 * root logger's console handler, sees them all. It prints the first few in full and then only
 * counts them, by kind ({@link FailureKinds}): the same warning thousands of times would bury
 * everything else on stderr. Records below WARNING are printed as the console handler would.
 */
final class WarningCounter extends Handler {
    private static final int PRINTED_IN_FULL = 5;
    private static final AtomicLong WARNINGS = new AtomicLong();
    private static final FailureKinds KINDS = new FailureKinds();

    private WarningCounter() {
        setFormatter(new SimpleFormatter());
    }

    static void install() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new WarningCounter());
    }

    /** Records at WARNING or above so far. */
    static long warnings() {
        return WARNINGS.get();
    }

    static FailureKinds kinds() {
        return KINDS;
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
            System.err.print(getFormatter().format(record));
            return;
        }
        long n = WARNINGS.incrementAndGet();
        KINDS.add(record.getThrown() != null ? FailureKinds.of(record.getThrown())
                : record.getLoggerName() + ": " + shorten(record.getMessage()));
        if (n <= PRINTED_IN_FULL) {
            System.err.print("soak-warning #" + n + ": " + getFormatter().format(record));
        }
    }

    private static String shorten(String message) {
        return message == null || message.length() <= 120 ? message : message.substring(0, 120) + "...";
    }

    @Override
    public void flush() {
        System.err.flush();
    }

    @Override
    public void close() {
    }
}
