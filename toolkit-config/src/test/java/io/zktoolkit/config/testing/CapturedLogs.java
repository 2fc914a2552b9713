package io.zktoolkit.config.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Everything logged in this JVM, down to DEBUG, from {@link #start()} until {@link #close()}: for
 * tests asserting that a secret never reaches a log line or a logged stack trace.
 */
public final class CapturedLogs implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    /** Every logger's own level before capturing, root included: a logging configuration quiets some (io.zktoolkit at WARN). */
    private final Map<Logger, Level> levelsBefore = new HashMap<>();

    private CapturedLogs() {
    }

    /** Starts capturing at DEBUG: the root logger at DEBUG, every other logger's own level lifted so it inherits that. */
    public static CapturedLogs start() {
        CapturedLogs logs = new CapturedLogs();
        LoggerContext context = root().getLoggerContext();
        for (Logger logger : context.getLoggerList()) {
            logs.levelsBefore.put(logger, logger.getLevel());
            logger.setLevel(logger == root() ? Level.DEBUG : null);
        }
        logs.appender.start();
        root().addAppender(logs.appender);
        return logs;
    }

    /** Every message captured so far with its stack trace, one event per line. */
    public String text() {
        List<ILoggingEvent> events;
        synchronized (appender) { // AppenderBase appends under this lock, from ZooKeeper's threads too
            events = List.copyOf(appender.list);
        }
        return events.stream().map(e -> e.getFormattedMessage() + " "
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
    }

    /** Stops capturing and restores every logger's level. */
    @Override
    public void close() {
        root().detachAppender(appender);
        levelsBefore.forEach(Logger::setLevel);
        appender.stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
