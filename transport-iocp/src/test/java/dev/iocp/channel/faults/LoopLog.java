package dev.iocp.channel.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures the warnings logged while a test runs (through logback, which Netty's logging uses
 * in these tests), to tell whether an exception escaped to an event loop: the loop logs it
 * ({@code IocpIoHandler}: "... failed handling ...", Netty's executors: "Unexpected exception
 * from an event executor", "A task raised an exception") instead of a channel reporting it.
 */
public final class LoopLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    /** Events kept for the failure message; the rest are only counted. */
    private static final int KEPT = 50;

    private final List<ILoggingEvent> events = new ArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger transport = (Logger) LoggerFactory.getLogger("dev.iocp");
    private final boolean quiet;
    private int escapesDropped;
    private int warningsDropped;

    private LoopLog(boolean quiet) {
        this.quiet = quiet;
    }

    /** Starts capturing WARN and ERROR events of every logger. */
    public static LoopLog capture() {
        return start(new LoopLog(false));
    }

    /**
     * Like {@link #capture()}, and keeps the transport's own warnings off the console while it
     * runs: for tests with so many connections that a warning per connection would flood the log.
     */
    public static LoopLog captureQuietly() {
        return start(new LoopLog(true));
    }

    private static LoopLog start(LoopLog log) {
        log.setName("LoopLog");
        log.setContext(log.root.getLoggerContext());
        log.start();
        log.root.addAppender(log);
        if (log.quiet) {
            log.transport.addAppender(log);
            log.transport.setAdditive(false);
        }
        return log;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        if (events.size() < KEPT) {
            event.prepareForDeferredProcessing();
            events.add(event);
        } else if (isEscape(event)) {
            escapesDropped++;
        } else {
            warningsDropped++;
        }
    }

    private static boolean isEscape(ILoggingEvent event) {
        String logger = event.getLoggerName();
        String message = event.getFormattedMessage();
        return logger.startsWith("dev.iocp.channel.IocpIoHandler")
                || logger.contains("SingleThreadEventExecutor")
                || logger.contains("AbstractEventExecutor")
                || message.contains("failed handling")
                || message.contains("Unexpected exception from an event executor")
                || message.contains("A task raised an exception");
    }

    /** Every WARN/ERROR event so far, one line each (with the exception's top frames). */
    public synchronized List<String> warnings() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            lines.add(describe(event));
        }
        if (escapesDropped + warningsDropped > 0) {
            lines.add("... and " + (escapesDropped + warningsDropped) + " more");
        }
        return lines;
    }

    /**
     * The events that mean an exception reached an event loop instead of a channel: the first
     * few in full, and how many more.
     */
    public synchronized List<String> escapes() {
        List<String> lines = new ArrayList<>();
        int more = escapesDropped;
        for (ILoggingEvent event : events) {
            if (isEscape(event)) {
                if (lines.size() < 5) {
                    lines.add(describe(event));
                } else {
                    more++;
                }
            }
        }
        if (more > 0) {
            lines.add("... and " + more + " more");
        }
        return lines;
    }

    private static String describe(ILoggingEvent event) {
        StringBuilder line = new StringBuilder().append(event.getLevel()).append(' ')
                .append(event.getLoggerName()).append(" [").append(event.getThreadName()).append("]: ")
                .append(event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        while (thrown != null) {
            line.append(" | ").append(thrown.getClassName()).append(": ").append(thrown.getMessage());
            StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
            for (int i = 0; i < Math.min(4, frames.length); i++) {
                line.append("\n      at ").append(frames[i].getStackTraceElement());
            }
            thrown = thrown.getCause();
        }
        return line.toString();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        if (quiet) {
            transport.detachAppender(this);
            transport.setAdditive(true);
        }
        stop();
    }
}
