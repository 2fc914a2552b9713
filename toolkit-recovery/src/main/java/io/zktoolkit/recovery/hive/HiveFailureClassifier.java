package io.zktoolkit.recovery.hive;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Tells a statement that failed because its HiveServer2 connection is gone from one the server
 * refused: only the first moves a {@link FailoverHiveSession} to another server.
 *
 * <p>The SQLState alone cannot tell them apart: HiveServer2 reports ordinary execution errors
 * ({@code FAILED: Execution Error, return code 1 ...}) with state {@code 08S01}, the same state the
 * stock driver gives a broken transport. So the rules, in order, are:
 * <ol>
 *   <li>The server answered: the cause chain holds a {@code HiveSQLException} (the driver's
 *       exception for an error status the server sent back) above any transport failure. The
 *       statement failed; the connection is fine. (The driver rebuilds the server's own exception
 *       chain under it, so a {@code SocketException} the server hit talking to its metastore shows
 *       up below it: that one is the server's problem, not this connection's.)</li>
 *   <li>Otherwise, when the chain holds a transport failure (a Thrift {@code TTransportException}
 *       in any package, as the standalone driver relocates Thrift; {@link SocketException},
 *       including connection refused or reset and broken pipe; {@link EOFException};
 *       {@link ClosedChannelException}; {@link SocketTimeoutException}), or the SQLState is of
 *       class {@code 08} (connection exception), the connection is asked one round trip, the
 *       probe ({@code Connection.isValid} with a time limit). It fails: the server is lost. It
 *       answers: the statement failed on a live connection (a timed-out read, for example).</li>
 *   <li>Anything else (a syntax error, a missing table, a permission error, a handler's own
 *       error) is the statement's failure and never moves the session.</li>
 * </ol>
 * Matching is by class, or for Hive's and Thrift's classes by simple name, so no Hive jar is
 * needed at compile time.
 */
public final class HiveFailureClassifier {
    /** What a failure means for the session. */
    public enum Kind {
        /** The connection to the server is gone: move to another server. */
        SERVER_LOST,
        /** The statement failed on a working connection: report it, stay. */
        STATEMENT_FAILED
    }

    /**
     * @param kind what the failure means
     * @param reason why, in words for logs and exception messages
     */
    public record Verdict(Kind kind, String reason) {
        /** Checks both parts are present. */
        public Verdict {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }

        /** Whether the session must move. */
        public boolean serverLost() {
            return kind == Kind.SERVER_LOST;
        }
    }

    private static final String SERVER_ANSWER = "HiveSQLException";
    private static final String THRIFT_TRANSPORT = "TTransportException";

    private HiveFailureClassifier() {
    }

    /**
     * Classifies {@code failure}.
     *
     * @param connectionAnswers the probe: whether the failed statement's connection still completes
     *     a round trip; called at most once, and only when the failure alone cannot tell
     */
    public static Verdict classify(SQLException failure, BooleanSupplier connectionAnswers) {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(connectionAnswers, "connectionAnswers");
        Throwable transport = null;
        for (Throwable t : chainOf(failure)) {
            if (SERVER_ANSWER.equals(t.getClass().getSimpleName())) {
                return new Verdict(Kind.STATEMENT_FAILED, "the server answered with an error ("
                        + describe(t) + ")");
            }
            if (isTransportFailure(t)) {
                transport = t;
                break;
            }
        }
        String state = failure.getSQLState();
        boolean connectionState = state != null && state.startsWith("08");
        if (transport == null && !connectionState) {
            return new Verdict(Kind.STATEMENT_FAILED, "not a connection failure (SQLState " + state + ")");
        }
        String seen = transport != null ? "transport failure " + describe(transport) : "SQLState " + state;
        if (connectionAnswers.getAsBoolean()) {
            return new Verdict(Kind.STATEMENT_FAILED, seen + ", but the connection still answers");
        }
        return new Verdict(Kind.SERVER_LOST, seen + ", and the connection no longer answers");
    }

    private static boolean isTransportFailure(Throwable t) {
        return t instanceof SocketException || t instanceof EOFException || t instanceof ClosedChannelException
                || t instanceof SocketTimeoutException || THRIFT_TRANSPORT.equals(t.getClass().getSimpleName());
    }

    /** The failure, its causes, and each SQLException's chained next exceptions, each once, outermost first. */
    private static List<Throwable> chainOf(SQLException failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SQLException next = failure; next != null && seen.add(next); next = next.getNextException()) {
            chain.add(next);
            for (Throwable cause = next.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
                chain.add(cause);
            }
        }
        return chain;
    }

    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        String state = t instanceof SQLException sql && sql.getSQLState() != null ? " " + sql.getSQLState() : "";
        String message = t.getMessage() == null ? "" : ": " + firstLine(t.getMessage());
        return name + state + message;
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
