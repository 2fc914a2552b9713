package io.zktoolkit.recovery.hive;

import io.zktoolkit.discovery.hive.HiveServerInstance;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The server running an {@link RetrySafety#AT_MOST_ONCE} statement died before answering: the
 * statement may or may not have been applied there, and was not run again. The session has
 * already moved on (unless {@link #movedTo()} is empty: then no other server took it, and the
 * next call tries to connect again), so the caller can check the statement's effect and decide.
 *
 * <p>SQLState {@code 08007}, the standard state for "transaction resolution unknown".
 */
public final class StatementOutcomeUnknownException extends SQLException {
    private static final long serialVersionUID = 1L;
    /** Connection failure during transaction: its outcome is unknown. */
    public static final String SQL_STATE = "08007";

    private final String sql;
    private final transient HiveServerInstance lostServer;
    private final transient HiveServerInstance movedTo;

    StatementOutcomeUnknownException(String sql, HiveServerInstance lostServer, String reason, HiveServerInstance movedTo,
            SQLException failure, SQLException moveFailure) {
        super(message(sql, lostServer, reason, movedTo, moveFailure), SQL_STATE, failure);
        this.sql = sql;
        this.lostServer = lostServer;
        this.movedTo = movedTo;
        if (moveFailure != null) {
            addSuppressed(moveFailure);
        }
    }

    /** The statement whose outcome is unknown. */
    public String sql() {
        return sql;
    }

    /** The server that died while running it. */
    public HiveServerInstance lostServer() {
        return lostServer;
    }

    /** Where the session runs now, or empty when no other server took it. */
    public Optional<HiveServerInstance> movedTo() {
        return Optional.ofNullable(movedTo);
    }

    private static String message(String sql, HiveServerInstance lost, String reason, HiveServerInstance movedTo,
            SQLException moveFailure) {
        String moved = movedTo != null
                ? "The session has moved to HiveServer2 " + movedTo.endpoint().instanceUri() + " (" + movedTo.name() + ")."
                : "No other HiveServer2 took the session (" + moveFailure.getMessage() + "); the next call tries to connect again.";
        return "HiveServer2 " + lost.endpoint().instanceUri() + " (" + lost.name() + ") was lost while running an AT_MOST_ONCE "
                + "statement (" + reason + "): it may or may not have been applied there, and it was NOT run again. "
                + moved + " Check its effect before repeating it. Statement: " + abbreviate(sql);
    }

    static String abbreviate(String sql) {
        String line = sql.strip().replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
