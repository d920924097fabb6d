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
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private LoopLog() {
    }

    /** Starts capturing WARN and ERROR events of every logger. */
    public static LoopLog capture() {
        LoopLog log = new LoopLog();
        log.setName("LoopLog");
        log.setContext(log.root.getLoggerContext());
        log.start();
        log.root.addAppender(log);
        return log;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            events.add(event);
        }
    }

    /** Every WARN/ERROR event so far, one line each (with the exception's top frames). */
    public synchronized List<String> warnings() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            lines.add(describe(event));
        }
        return lines;
    }

    /** The events that mean an exception reached an event loop instead of a channel. */
    public synchronized List<String> escapes() {
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : events) {
            String logger = event.getLoggerName();
            String message = event.getFormattedMessage();
            if (logger.startsWith("dev.iocp.channel.IocpIoHandler")
                    || logger.contains("SingleThreadEventExecutor")
                    || logger.contains("AbstractEventExecutor")
                    || message.contains("failed handling")
                    || message.contains("Unexpected exception from an event executor")
                    || message.contains("A task raised an exception")) {
                lines.add(describe(event));
            }
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
        stop();
    }
}
