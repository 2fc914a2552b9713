package io.zktoolkit.sync.hive;

import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs Hive statements as published steps: each {@link #run} puts a job named after the step on
 * a {@link JobBoard}, RUNNING while the statement runs, then SUCCEEDED with its row count and
 * duration, FAILED with the server's SQLState and message, or CANCELLED with the reason (a
 * {@link #cancel} from another thread, or the query timeout). A job that needs the step waits
 * with {@link #awaitSucceeded}; if the publishing process dies mid-statement the board shows the
 * step abandoned and the waiter is told at once.
 *
 * <p>Published attributes: {@value #STATEMENT} (the statement's kind and a digest, never its
 * text: statements carry credentials), {@value #ROWS} when known, {@value #DURATION_MS},
 * {@value #SQL_STATE} on failure, {@value #SCHEMA_VERSION} after a DDL statement when schema
 * notices are on. Failure reasons have the statement's literals masked (servers echo statements
 * in their errors).
 *
 * <pre>{@code
 * HiveStepRunner steps = HiveStepRunner.builder(board, connection).schemaNotices(HiveSchemaNotices.on(zk)).build();
 * steps.run("orders-load.2026-11-22", "INSERT INTO sales.orders SELECT * FROM staging.orders");
 * // in another job:
 * HiveStepRunner.awaitSucceeded(board, "orders-load.2026-11-22", Duration.ofHours(1));
 * }</pre>
 *
 * <p>One statement at a time per runner and connection; use one step id per run (put the run
 * date in it): an id already on the board is refused before the statement runs.
 */
public final class HiveStepRunner {
    /** Attribute: the statement's kind and digest, e.g. {@code INSERT INTO sha256:1f2e...}. */
    public static final String STATEMENT = "statement";
    /** Attribute: rows written or read, when known. */
    public static final String ROWS = "rows";
    /** Attribute: the statement's duration in milliseconds. */
    public static final String DURATION_MS = "durationMs";
    /** Attribute: the SQLState of a failure. */
    public static final String SQL_STATE = "sqlState";
    /** Attribute: the table a DDL statement changed and its new schema version. */
    public static final String SCHEMA_VERSION = "schemaVersion";
    /** Attribute: the table a DDL statement changed. */
    public static final String TABLE = "table";

    /** Receives each row of a query run through {@link #query}. */
    @FunctionalInterface
    public interface RowHandler {
        /** Called once per row, the result set positioned on it. */
        void row(ResultSet row) throws SQLException;
    }

    private record Running(Statement statement, AtomicReference<String> cancelReason) {
    }

    private final JobBoard board;
    private final Connection connection;
    private final Duration queryTimeout;
    private final HiveSchemaNotices notices;
    private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();

    private HiveStepRunner(Builder b) {
        this.board = b.board;
        this.connection = b.connection;
        this.queryTimeout = b.queryTimeout;
        this.notices = b.notices;
    }

    /** A builder for steps run on {@code connection} (the caller owns it) and published on {@code board} (started). */
    public static Builder builder(JobBoard board, Connection connection) {
        return new Builder(board, connection);
    }

    /**
     * Runs {@code sql} as step {@code stepId}. A DDL statement (CREATE, ALTER or DROP of a table or
     * view) also publishes the table's new schema version when the runner has schema notices.
     *
     * @throws SQLException the driver's, after the step was published FAILED or CANCELLED
     * @throws io.zktoolkit.sync.state.JobStateException when the step id is already on the board; the statement did not run
     */
    public StepResult run(String stepId, String sql) throws SQLException {
        return execute(stepId, sql, null);
    }

    /**
     * Runs the query {@code sql} as step {@code stepId}, handing each row to {@code rows}; the
     * step's row count is the number of rows read.
     *
     * @throws SQLException the driver's or the handler's, after the step was published FAILED or CANCELLED
     */
    public StepResult query(String stepId, String sql, RowHandler rows) throws SQLException {
        return execute(stepId, sql, Objects.requireNonNull(rows, "rows"));
    }

    /**
     * Cancels the running step {@code stepId} (from another thread): the server is asked to stop
     * the statement, and the step ends CANCELLED with {@code reason}.
     *
     * @return false when no such step is running on this runner
     */
    public boolean cancel(String stepId, String reason) throws SQLException {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Cancelling Hive step " + stepId + " needs a reason for its watchers");
        }
        Running step = running.get(stepId);
        if (step == null) {
            return false;
        }
        step.cancelReason().set(reason);
        step.statement().cancel();
        return true;
    }

    private StepResult execute(String stepId, String sql, RowHandler rows) throws SQLException {
        Objects.requireNonNull(sql, "sql");
        StatementSummary summary = StatementSummary.of(sql);
        Optional<SchemaChange> ddl = notices == null ? Optional.empty() : SchemaChange.of(sql);
        // The statement first: a step is published only once it can run (closing finishes the step before the statement).
        try (Statement statement = connection.createStatement(); JobReporter step = board.publish(stepId)) {
            step.attribute(STATEMENT, summary.published());
            if (!queryTimeout.isZero()) {
                statement.setQueryTimeout((int) Math.max(1, queryTimeout.toSeconds()));
            }
            Running handle = new Running(statement, new AtomicReference<>());
            running.put(stepId, handle);
            long start = System.nanoTime();
            step.running();
            OptionalLong count;
            try {
                count = rows == null ? runStatement(statement, sql) : readRows(statement, sql, rows);
            } catch (SQLException e) {
                step.attributes(Map.of(DURATION_MS, Long.toString(elapsedMillis(start)), SQL_STATE, String.valueOf(e.getSQLState())));
                String reason = handle.cancelReason().get();
                if (reason != null) {
                    step.cancelled(reason);
                } else if (e instanceof SQLTimeoutException) {
                    step.cancelled("timed out after the query timeout of " + queryTimeout + ": " + StatementSummary.redact(sql, e.getMessage()));
                } else {
                    step.failed("SQLState " + e.getSQLState() + ": " + StatementSummary.redact(sql, e.getMessage()));
                }
                throw e;
            } catch (RuntimeException e) {
                // A row handler's bug: finish the step, so waiters are not left with an abandoned one.
                step.failed("The step's own code failed: " + StatementSummary.redact(sql, e.toString()));
                throw e;
            } finally {
                running.remove(stepId);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Map<String, String> results = new HashMap<>();
            results.put(DURATION_MS, Long.toString(took.toMillis()));
            count.ifPresent(n -> results.put(ROWS, Long.toString(n)));
            Optional<SchemaNotice> notice = Optional.empty();
            if (ddl.isPresent()) {
                notice = Optional.of(publishSchema(step, ddl.get(), results));
                results.put(TABLE, notice.get().table().toString());
                results.put(SCHEMA_VERSION, Long.toString(notice.get().version()));
            }
            step.succeeded(results);
            return new StepResult(stepId, count, took, notice);
        }
    }

    /** Caches are told only through the notice, so a step whose notice failed is not a success. */
    private SchemaNotice publishSchema(JobReporter step, SchemaChange ddl, Map<String, String> results) throws SQLException {
        try {
            return notices.published(ddl.in(currentDatabase()), ColumnReader.jdbc(connection));
        } catch (SQLException | RuntimeException e) {
            step.attributes(results);
            step.failed("The statement succeeded, but the schema notice of " + ddl.table()
                    + " could not be published, so schema caches were not told: " + e.getMessage());
            throw e;
        }
    }

    private static long elapsedMillis(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    /** The driver's update count, when the statement gave no result set and the driver reported one. */
    private static OptionalLong runStatement(Statement statement, String sql) throws SQLException {
        if (statement.execute(sql)) {
            return OptionalLong.empty();
        }
        long updated = statement.getUpdateCount();
        return updated < 0 ? OptionalLong.empty() : OptionalLong.of(updated);
    }

    private static OptionalLong readRows(Statement statement, String sql, RowHandler rows) throws SQLException {
        long read = 0;
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                rows.row(rs);
                read++;
            }
        }
        return OptionalLong.of(read);
    }

    private String currentDatabase() throws SQLException {
        String schema = connection.getSchema();
        return schema == null || schema.isBlank() ? "default" : schema;
    }

    /**
     * Waits for step {@code stepId} (possibly not yet published) to succeed and returns its status
     * ({@code rows}, {@code durationMs} attributes).
     *
     * @throws HiveStepFailedException when it ended FAILED or CANCELLED, with the published reason
     * @throws io.zktoolkit.sync.state.JobStateException when it was abandoned (its publisher died) or at the deadline
     */
    public static RunStatus awaitSucceeded(JobBoard board, String stepId, Duration timeout) throws InterruptedException {
        RunStatus done = board.awaitFinished(stepId, timeout);
        if (done.state() != RunState.SUCCEEDED) {
            throw new HiveStepFailedException(done);
        }
        return done;
    }

    /** Options of a {@link HiveStepRunner}. */
    public static final class Builder {
        private final JobBoard board;
        private final Connection connection;
        private Duration queryTimeout = Duration.ZERO;
        private HiveSchemaNotices notices;

        private Builder(JobBoard board, Connection connection) {
            this.board = Objects.requireNonNull(board, "board");
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        /** The statements' query timeout, whole seconds (default none); a step that times out ends CANCELLED. */
        public Builder queryTimeout(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("queryTimeout must not be negative, got " + value);
            }
            this.queryTimeout = value;
            return this;
        }

        /** Publish the table's new schema version after each DDL statement (default off). */
        public Builder schemaNotices(HiveSchemaNotices value) {
            this.notices = Objects.requireNonNull(value, "schemaNotices");
            return this;
        }

        /** The runner. */
        public HiveStepRunner build() {
            return new HiveStepRunner(this);
        }
    }
}
