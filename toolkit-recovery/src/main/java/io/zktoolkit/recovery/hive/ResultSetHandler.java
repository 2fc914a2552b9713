package io.zktoolkit.recovery.hive;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a query's rows while {@link FailoverHiveSession} holds the connection. For a
 * {@link RetrySafety#SAFE_TO_RETRY} query it may be called again with a fresh result set when the
 * server dies during the read, so it should build its result from the rows it is given, not add
 * to state kept outside.
 *
 * @param <T> what it makes of the rows
 */
@FunctionalInterface
public interface ResultSetHandler<T> {
    /** Reads {@code rows}, which the session closes afterwards. */
    T handle(ResultSet rows) throws SQLException;
}
