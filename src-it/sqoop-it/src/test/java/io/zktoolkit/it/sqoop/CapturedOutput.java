package io.zktoolkit.it.sqoop;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;

/**
 * Everything a run writes, for checking that a secret appears nowhere: every logback event at
 * DEBUG and above from every logger (Sqoop's commons-logging and Hadoop's SLF4J lines both land
 * in logback here), java.util.logging records at every level (the PostgreSQL driver logs there),
 * and whatever is printed to System.out and System.err (the Java compiler Sqoop runs prints its
 * notes there). While open, logger levels are lowered to DEBUG (JUL: ALL); {@link #close()}
 * restores them, and the streams.
 */
final class CapturedOutput implements AutoCloseable {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> savedLevels = new HashMap<>();
    private final java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
    private final java.util.logging.Level savedJulLevel = julRoot.getLevel();
    private final List<String> julLines = new ArrayList<>();
    private final Handler julHandler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            synchronized (julLines) {
                julLines.add(formatter.format(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream savedOut = System.out;
    private final PrintStream savedErr = System.err;

    private CapturedOutput() {
    }

    static CapturedOutput start() {
        CapturedOutput capture = new CapturedOutput();
        capture.begin();
        return capture;
    }

    private void begin() {
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                savedLevels.put(logger, logger.getLevel());
                logger.setLevel(logger == root ? Level.DEBUG : null);
            }
        }
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);

        // The JUL console handler keeps its own level (INFO), so the extra records are not printed.
        julHandler.setLevel(java.util.logging.Level.ALL);
        julRoot.addHandler(julHandler);
        julRoot.setLevel(java.util.logging.Level.ALL);

        System.setOut(new PrintStream(new Tee(savedOut, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(savedErr, printed), true, StandardCharsets.UTF_8));
    }

    /** Every line captured so far: logback events (with stack traces), JUL records and printed text. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(appender.list)) {
            text.append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
                    .append(event.getFormattedMessage()).append('\n');
            if (event.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
            }
        }
        synchronized (julLines) {
            julLines.forEach(text::append);
        }
        synchronized (printed) {
            text.append(printed.toString(StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    /** How many logback events were captured. */
    int events() {
        return appender.list.size();
    }

    @Override
    public void close() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        julRoot.removeHandler(julHandler);
        julRoot.setLevel(savedJulLevel);
        root.detachAppender(appender);
        appender.stop();
        savedLevels.forEach(Logger::setLevel);
    }

    /** Writes to the original stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                // The original stream is only a convenience for people reading the output file.
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException e) {
                // As above.
            }
        }

        @Override
        public void flush() {
            try {
                original.flush();
            } catch (java.io.IOException e) {
                // As above.
            }
        }
    }
}
