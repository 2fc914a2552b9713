package io.zktoolkit.recovery.hive;

import io.zktoolkit.discovery.hive.HiveServerConnection;
import io.zktoolkit.discovery.hive.HiveServerInstance;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.apache.curator.framework.listen.Listenable;
import org.apache.curator.framework.listen.StandardListenerManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Hive session that outlives its HiveServer2: a JDBC connection to one of the servers a
 * {@link HiveServerResolver} finds in ZooKeeper, moved to another registered server when its own
 * dies, with the session's database and settings restored there.
 *
 * <pre>{@code
 * try (FailoverHiveSession hive = FailoverHiveSession.builder(resolver).database("sales")
 *         .set("hive.exec.dynamic.partition.mode", "nonstrict").user("etl", "").build()) {
 *     hive.start();
 *     hive.execute("CREATE TABLE IF NOT EXISTS orders (id INT)", RetrySafety.SAFE_TO_RETRY);
 *     long n = hive.query("SELECT count(*) FROM orders", RetrySafety.SAFE_TO_RETRY, rs -> rs.next() ? rs.getLong(1) : 0);
 *     hive.execute("INSERT INTO orders VALUES (1)", RetrySafety.AT_MOST_ONCE);
 * }
 * }</pre>
 *
 * <p>When a statement fails, {@link HiveFailureClassifier} decides whether its server is lost. If
 * not (a syntax error, a missing table), the failure is thrown and nothing moves. If it is, the
 * session reports the server to the resolver (so connects pass it over during its quarantine),
 * connects to another registered server (a server whose znode is gone is not offered; every
 * other one is tried at most once per call), runs the builder's {@code SET}s there, tells the
 * listeners, and then:
 * <ul>
 *   <li>a {@link RetrySafety#SAFE_TO_RETRY} statement runs again on the new server;</li>
 *   <li>an {@link RetrySafety#AT_MOST_ONCE} statement is not run again: the call throws
 *       {@link StatementOutcomeUnknownException}, and the next call runs on the new server.</li>
 * </ul>
 * Before an {@code AT_MOST_ONCE} statement the session checks the connection with one round trip
 * ({@code Connection.isValid}); a connection found dead there never carried the statement, so the
 * session moves and runs it without doubt. (A server killed while idle is otherwise
 * indistinguishable from one killed mid-statement: its socket fails the same way.) Statements
 * marked safe skip the check. When no other server takes the session the call throws an
 * {@link SQLException} naming the lost server, the registry and each server tried; the session
 * then has no connection and the next call connects anew.
 *
 * <p>Only what the builder holds is restored: a {@code USE} or {@code SET} run through
 * {@link #execute} lasts until the next move. Temporary tables and functions do not move.
 *
 * <p>Not for concurrent use, like a JDBC {@code Connection}: calls are serialized (a second thread
 * waits for the first's statement), so use one session per thread for parallel work.
 * {@link #close()} does not wait; a statement running then fails.
 *
 * <p>The stock driver ({@code org.apache.hive:hive-jdbc}, classifier {@code standalone}) must be on
 * the runtime classpath, not at compile time; keep it off classpaths holding Hadoop, Spark or
 * Sqoop jars. It does not bound a read from a frozen server unless the URL parameter
 * {@code socketTimeout} (ms) is set, so set it through {@link Builder#urlParameter}.
 */
public final class FailoverHiveSession implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** In use. */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(FailoverHiveSession.class);
    /** A setting key Hive and Spark accept in {@code SET key=value}: no spaces, '=' or ';'. */
    private static final Pattern SETTING_KEY = Pattern.compile("[A-Za-z0-9_.:\\-]+");
    private static final String SQL_STATE_NO_CONNECTION = "08001";

    private final HiveServerResolver resolver;
    private final String database;
    private final Map<String, String> urlParameters;
    private final Map<String, String> settings;
    private final Properties info;
    private final Duration probeTimeout;
    private final StandardListenerManager<HiveFailoverListener> listeners = StandardListenerManager.standard();
    /** Runs probes with a time limit, and closes abandoned connections, which can block on a frozen server. */
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "hive-failover-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final ReentrantLock calls = new ReentrantLock();
    private volatile HiveServerConnection current;
    /** The server lost by a move that found no other; the next connect reports its move from it. */
    private HiveServerInstance lostWithoutMove;
    private String lostReason;
    private volatile State state = State.LATENT;

    @FunctionalInterface
    private interface StatementWork<T> {
        T run(Statement statement) throws SQLException;
    }

    private FailoverHiveSession(Builder b) {
        this.resolver = b.resolver;
        this.database = b.database;
        this.urlParameters = Map.copyOf(b.urlParameters);
        this.settings = new LinkedHashMap<>(b.settings);
        this.info = (Properties) b.info.clone();
        this.probeTimeout = b.probeTimeout;
    }

    /** A session over the servers {@code resolver} finds; the resolver must be started. */
    public static Builder builder(HiveServerResolver resolver) {
        return new Builder(resolver);
    }

    /**
     * Connects to a registered server and applies the session settings.
     *
     * @throws SQLException when no server takes the session or a setting is refused; the session
     *     stays started without a connection, and the next call tries again
     */
    public void start() throws SQLException {
        calls.lock();
        try {
            if (state != State.LATENT) {
                throw new IllegalStateException("Hive session is " + state + "; start() may be called once");
            }
            state = State.STARTED;
            current = connect(Set.of(), null, null);
        } finally {
            calls.unlock();
        }
    }

    /** Runs {@code sql}, which returns no rows or whose rows are not wanted. */
    public void execute(String sql, RetrySafety safety) throws SQLException {
        run(sql, safety, statement -> statement.execute(sql));
    }

    /** Runs {@code sql} and returns the row count the driver reports (HiveServer2 often reports none: 0 or -1). */
    public long update(String sql, RetrySafety safety) throws SQLException {
        return run(sql, safety, statement -> (long) statement.executeUpdate(sql));
    }

    /**
     * Runs the query {@code sql} and returns what {@code handler} makes of its rows, read while the
     * session holds the connection. For a safe query the handler may be called again after a move.
     */
    public <T> T query(String sql, RetrySafety safety, ResultSetHandler<T> handler) throws SQLException {
        Objects.requireNonNull(handler, "handler");
        return run(sql, safety, statement -> {
            try (ResultSet rows = statement.executeQuery(sql)) {
                return handler.handle(rows);
            }
        });
    }

    /** The server the session runs on, or empty before start and after a move that found no server. */
    public Optional<HiveServerInstance> currentServer() {
        HiveServerConnection on = current;
        return on == null ? Optional.empty() : Optional.of(on.server());
    }

    /** Where to add {@link HiveFailoverListener}s. */
    public Listenable<HiveFailoverListener> getListenable() {
        return listeners;
    }

    /** Lifecycle state. */
    public State state() {
        return state;
    }

    /** Closes the connection without waiting for a running statement, which then fails. The resolver stays open. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        HiveServerConnection on = current;
        current = null;
        if (on != null) {
            abandon(on.connection());
        }
        listeners.clear();
        background.shutdown();
    }

    private <T> T run(String sql, RetrySafety safety, StatementWork<T> work) throws SQLException {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(safety, "safety");
        calls.lock();
        try {
            requireStarted();
            // Servers this call lost, never offered to it again.
            Set<String> lost = new LinkedHashSet<>();
            HiveServerConnection on = current;
            if (on == null) {
                on = connect(lost, lostWithoutMove, lostReason);
                current = on;
            }
            if (safety == RetrySafety.AT_MOST_ONCE && !answers(on)) {
                on = moveFrom(on, "the connection did not answer before the statement was sent", lost);
            }
            while (true) {
                try {
                    return runOn(on, work);
                } catch (SQLException failure) {
                    if (state == State.CLOSED) {
                        throw failure;
                    }
                    HiveServerConnection failed = on;
                    HiveFailureClassifier.Verdict verdict = HiveFailureClassifier.classify(failure, () -> answers(failed));
                    if (!verdict.serverLost()) {
                        throw failure;
                    }
                    LOG.warn("HiveServer2 {} ({}) lost: {}", failed.server().endpoint().instanceUri(), failed.server().name(),
                            verdict.reason());
                    if (safety == RetrySafety.AT_MOST_ONCE) {
                        throw outcomeUnknown(sql, failed, verdict.reason(), failure, lost);
                    }
                    on = moveFrom(failed, verdict.reason(), lost);
                    LOG.info("Running the statement again on {}, as it is marked SAFE_TO_RETRY",
                            on.server().endpoint().instanceUri());
                }
            }
        } finally {
            calls.unlock();
        }
    }

    private StatementOutcomeUnknownException outcomeUnknown(String sql, HiveServerConnection failed, String reason,
            SQLException failure, Set<String> lost) {
        try {
            HiveServerConnection moved = moveFrom(failed, reason, lost);
            return new StatementOutcomeUnknownException(sql, failed.server(), reason, moved.server(), failure, null);
        } catch (SQLException moveFailure) {
            return new StatementOutcomeUnknownException(sql, failed.server(), reason, null, failure, moveFailure);
        }
    }

    /** Runs {@code work} in a fresh statement; a failure to close the statement afterwards does not undo its result. */
    private static <T> T runOn(HiveServerConnection on, StatementWork<T> work) throws SQLException {
        Statement statement = on.connection().createStatement();
        T result;
        try {
            result = work.run(statement);
        } catch (SQLException | RuntimeException | Error e) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        try {
            statement.close();
        } catch (SQLException e) {
            LOG.debug("Closing a finished statement on {} failed; the next call finds out whether the server is gone",
                    on.server().endpoint().instanceUri(), e);
        }
        return result;
    }

    /** Leaves the lost server for another one, or throws naming every server tried; the session then has none. */
    private HiveServerConnection moveFrom(HiveServerConnection failed, String reason, Set<String> lost) throws SQLException {
        resolver.noteFailure(failed.server());
        lost.add(failed.server().name());
        current = null;
        abandon(failed.connection());
        HiveServerConnection moved = connect(lost, failed.server(), reason);
        current = moved;
        return moved;
    }

    /**
     * Connects to a server not in {@code lost} and applies the settings; a server lost while doing
     * so joins {@code lost} and the next is tried. With {@code from} set, the move is timed and
     * reported to the listeners.
     */
    private HiveServerConnection connect(Set<String> lost, HiveServerInstance from, String reason) throws SQLException {
        long start = System.nanoTime();
        while (true) {
            HiveServerConnection to;
            try {
                to = resolver.open(database, urlParameters, info, lost);
            } catch (SQLException e) {
                rememberUnmoved(from, reason);
                String what = from == null ? "No HiveServer2 registered under " + resolver.registry() + " took the session"
                        : "HiveServer2 " + from.endpoint().instanceUri() + " (" + from.name() + ") was lost (" + reason
                                + ") and no other server registered under " + resolver.registry() + " took the session";
                throw new SQLException(what + "; the next call tries again. " + e.getMessage(), SQL_STATE_NO_CONNECTION, e);
            }
            try {
                applySettings(to);
            } catch (SQLException e) {
                HiveFailureClassifier.Verdict verdict = HiveFailureClassifier.classify(e, () -> answers(to));
                abandon(to.connection());
                if (!verdict.serverLost()) {
                    rememberUnmoved(from, reason);
                    throw e;
                }
                LOG.warn("HiveServer2 {} lost while the session's settings were applied: {}", to.server().endpoint().instanceUri(),
                        verdict.reason());
                resolver.noteFailure(to.server());
                lost.add(to.server().name());
                continue;
            }
            if (state == State.CLOSED) {
                // close() ran while this call was moving: keep nothing open behind it
                abandon(to.connection());
                throw new SQLException("Hive session closed while moving to HiveServer2 " + to.server().endpoint().instanceUri(),
                        SQL_STATE_NO_CONNECTION);
            }
            lostWithoutMove = null;
            lostReason = null;
            if (from != null) {
                HiveFailover failover = new HiveFailover(from, to.server(), Duration.ofNanos(System.nanoTime() - start), reason);
                LOG.info("Hive session moved from {} to {} in {} ms", from.endpoint().instanceUri(),
                        to.server().endpoint().instanceUri(), failover.took().toMillis());
                listeners.forEach(listener -> listener.failedOver(failover));
            }
            return to;
        }
    }

    private void rememberUnmoved(HiveServerInstance from, String reason) {
        if (from != null) {
            lostWithoutMove = from;
            lostReason = reason;
        }
    }

    private void applySettings(HiveServerConnection on) throws SQLException {
        if (settings.isEmpty()) {
            return;
        }
        try (Statement statement = on.connection().createStatement()) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                try {
                    statement.execute("SET " + setting.getKey() + "=" + setting.getValue());
                } catch (SQLException e) {
                    throw new SQLException("Session setting " + setting.getKey() + "=" + setting.getValue()
                            + " failed on HiveServer2 " + on.server().endpoint().instanceUri() + ": " + e.getMessage(),
                            e.getSQLState(), e);
                }
            }
        }
    }

    /** The probe: one round trip within the probe timeout. HiveConnection.isValid ignores its timeout, so the limit is kept here. */
    private boolean answers(HiveServerConnection on) {
        Connection connection = on.connection();
        int seconds = (int) Math.max(1, probeTimeout.toSeconds());
        Future<Boolean> probe;
        try {
            probe = background.submit(() -> connection.isValid(seconds));
        } catch (RejectedExecutionException closed) {
            return false;
        }
        try {
            return probe.get(probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            probe.cancel(true);
            LOG.warn("HiveServer2 {} did not answer a probe within {} ms", on.server().endpoint().instanceUri(),
                    probeTimeout.toMillis());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** Closes a lost connection off this thread: closing sends a request the dead or frozen server may never answer. */
    private void abandon(Connection connection) {
        try {
            background.execute(() -> closeQuietly(connection));
        } catch (RejectedExecutionException closed) {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Closing a HiveServer2 connection failed: {}", e.toString());
        }
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("Hive session is " + state + (state == State.LATENT ? "; call start() first" : ""));
        }
    }

    /** Options of a {@link FailoverHiveSession}; {@link #build()} checks them. */
    public static final class Builder {
        private final HiveServerResolver resolver;
        private String database = "";
        private final Map<String, String> urlParameters = new LinkedHashMap<>();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Properties info = new Properties();
        private Duration probeTimeout = Duration.ofSeconds(5);

        private Builder(HiveServerResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
        }

        /** The session's database on every server; the server's default unless set. */
        public Builder database(String value) {
            this.database = Objects.requireNonNull(value, "database");
            return this;
        }

        /** {@code user} and {@code password} for the driver. */
        public Builder user(String user, String password) {
            info.setProperty("user", Objects.requireNonNull(user, "user"));
            info.setProperty("password", Objects.requireNonNull(password, "password"));
            return this;
        }

        /** Another driver connection property. */
        public Builder connectionProperty(String key, String value) {
            info.setProperty(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A {@code ;name=value} URL parameter, for example {@code socketTimeout} or {@code fetchSize}. */
        public Builder urlParameter(String name, String value) {
            urlParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A {@code SET key=value} run on every server the session connects to, in the order given. */
        public Builder set(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long a probe of a connection may take before the server counts as lost; 5 s unless set. */
        public Builder probeTimeout(Duration value) {
            this.probeTimeout = Objects.requireNonNull(value, "probeTimeout");
            return this;
        }

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException naming every option at fault
         */
        public FailoverHiveSession build() {
            List<String> problems = new ArrayList<>();
            if (database.chars().anyMatch(c -> c == '/' || c == ';' || c == '?' || Character.isWhitespace(c))) {
                problems.add("database: '" + database + "' holds '/', ';', '?' or a space; give a plain database name");
            }
            settings.forEach((key, value) -> {
                if (!SETTING_KEY.matcher(key).matches()) {
                    problems.add("set: key '" + key + "' is not a setting name (letters, digits, '_', '.', ':', '-')");
                }
                if (value.indexOf(';') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                    problems.add("set: value of " + key + " holds ';' or a line break, which would end the SET statement");
                }
            });
            urlParameters.forEach((name, value) -> {
                if (name.isEmpty() || (name + value).chars().anyMatch(c -> c == ';' || c == '=' || c == '?' || c == '#')) {
                    problems.add("urlParameter: '" + name + "=" + value + "' holds ';', '=', '?' or '#', or has no name");
                }
            });
            if (probeTimeout.isNegative() || probeTimeout.isZero()) {
                problems.add("probeTimeout: " + probeTimeout + " is not positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Cannot build a Hive failover session over " + resolver.registry() + ": "
                        + String.join("; ", problems));
            }
            return new FailoverHiveSession(this);
        }
    }
}
