package io.zktoolkit.it.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerInstance;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import io.zktoolkit.recovery.hive.FailoverHiveSession;
import io.zktoolkit.recovery.hive.HiveFailover;
import io.zktoolkit.recovery.hive.RetrySafety;
import io.zktoolkit.recovery.hive.StatementOutcomeUnknownException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link FailoverHiveSession} through the stock hive-jdbc 4.0.1 driver against two real Spark 3.5.4
 * Thrift Servers registered by {@link HiveServerRegistrar}; the first is killed with SIGKILL while
 * sessions are idle on it and while statements run on it, then the second. The servers are the
 * ones other classes share ({@link SharedThriftServers}; a server killed before is replaced), so this
 * class runs last and keeps to its own database, {@code sales}.
 *
 * <p>Each server has its own Derby metastore and warehouse, so what one server applied cannot be
 * seen on the other: what the table on the second server shows is what the sessions ran there
 * after moving. That is the part the toolkit decides (whether to run a statement again); whether
 * the dead server had applied it before dying is unknowable to a client, which is exactly what
 * {@link StatementOutcomeUnknownException} says. In a real deployment the servers share one
 * metastore and warehouse, and a statement run again would add its rows a second time; the
 * {@code SAFE_TO_RETRY} insert below shows that a statement the session does run again lands on
 * the second server, so the missing row of the {@code AT_MOST_ONCE} one is not an accident of the
 * setup. The statements in flight sleep (Spark's {@code reflect} of {@code Thread.sleep}) only on
 * the first server: {@code ${spark.sql.warehouse.dir}} is substituted by each server with its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(SharedThriftServers.class)
@Order(SharedThriftServers.KILLS_BOTH)
class HiveSessionFailoverIT {
    private static ThriftServer first;
    private static ThriftServer second;
    private static ToolkitClient zk;
    private static HiveServerRegistrar firstRegistrar;
    private static HiveServerRegistrar secondRegistrar;
    private static HiveServerResolver resolver;
    private static final List<FailoverHiveSession> sessions = new ArrayList<>();

    @BeforeAll
    static void start(SharedThriftServers.Pair servers) throws Exception {
        first = servers.first();
        second = servers.second();
        for (ThriftServer server : List.of(first, second)) {
            try (Connection conn = DriverManager.getConnection(server.jdbcUrl("default"), "etl", "");
                 Statement statement = conn.createStatement()) {
                statement.execute("CREATE DATABASE sales");
                statement.execute("CREATE TABLE sales.orders (id INT)");
            }
        }
        zk = ToolkitClient.open(ToolkitSettings.builder().build());
        firstRegistrar = register(first);
        secondRegistrar = register(second);
        resolver = HiveServerResolver.builder(zk).build();
        resolver.start();
    }

    @AfterAll
    static void stop() {
        List<AutoCloseable> all = new ArrayList<>(sessions);
        all.addAll(java.util.Arrays.asList(resolver, secondRegistrar, firstRegistrar, zk));
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    private static HiveServerRegistrar register(ThriftServer server) {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", server.port()))
                .version("2.3.9").build();
        registrar.start();
        return registrar;
    }

    /** A started session with its own listener record. */
    private record Tracked(FailoverHiveSession session, List<HiveFailover> failovers) {
    }

    private static Tracked open() throws SQLException {
        FailoverHiveSession session = FailoverHiveSession.builder(resolver).database("sales").user("etl", "")
                .set("spark.sql.shuffle.partitions", "3").build();
        sessions.add(session);
        List<HiveFailover> failovers = new CopyOnWriteArrayList<>();
        session.getListenable().addListener(failovers::add);
        session.start();
        return new Tracked(session, failovers);
    }

    /** Opens sessions until {@code count} of them run on {@code server}; the resolver takes turns between the two. */
    private static List<Tracked> openOn(ThriftServer server, int count) throws SQLException {
        List<Tracked> on = new ArrayList<>();
        for (int i = 0; i < 4 * count && on.size() < count; i++) {
            Tracked t = open();
            if (portOf(t.session().currentServer().orElseThrow()) == server.port()) {
                on.add(t);
            } else {
                t.session().close();
            }
        }
        assertThat(on).as("sessions on port " + server.port()).hasSize(count);
        return on;
    }

    private static int portOf(HiveServerInstance instance) {
        return instance.endpoint().port();
    }

    @Test
    @Order(1)
    void aStatementTheServerRefusesDoesNotMoveTheSessionEvenWhenMarkedSafe() throws Exception {
        Tracked t = open();
        HiveServerInstance before = t.session().currentServer().orElseThrow();

        SQLException syntax = catchSql(() -> t.session().execute("SELEC 1", RetrySafety.SAFE_TO_RETRY));
        SQLException missing = catchSql(() -> t.session().query("SELECT * FROM no_such_table", RetrySafety.SAFE_TO_RETRY,
                rs -> rs.next()));

        System.out.printf("refused statements: syntax error SQLState %s, missing table SQLState %s%n",
                syntax.getSQLState(), missing.getSQLState());
        assertThat((Throwable) syntax).isNotInstanceOf(StatementOutcomeUnknownException.class);
        assertThat(syntax.getMessage()).containsIgnoringCase("syntax");
        assertThat(missing.getMessage()).containsIgnoringCase("no_such_table");
        assertThat(t.session().currentServer()).contains(before);
        assertThat(t.failovers()).isEmpty();
        // the session state the builder asked for
        assertThat(sessionState(t.session())).isEqualTo("sales|3");
        t.session().close();
    }

    @Test
    @Order(2)
    void whenTheServerIsKilledSessionsMoveAndOnlyStatementsMarkedSafeRunAgain() throws Exception {
        List<Tracked> onFirst = openOn(first, 4);
        Tracked idleSafe = onFirst.get(0);
        Tracked idleAtMostOnce = onFirst.get(1);
        Tracked flightAtMostOnce = onFirst.get(2);
        Tracked flightSafe = onFirst.get(3);
        HiveServerInstance lost = idleSafe.session().currentServer().orElseThrow();

        CompletableFuture<Void> once = runAsync(flightAtMostOnce, "INSERT INTO orders SELECT 7 FROM range(1) WHERE "
                + sleepOnFirst(), RetrySafety.AT_MOST_ONCE);
        CompletableFuture<Void> safe = runAsync(flightSafe, "INSERT INTO orders SELECT 8 FROM range(1) WHERE "
                + sleepOnFirst(), RetrySafety.SAFE_TO_RETRY);
        // Both statements reached the first server, which is now sleeping in them.
        first.awaitOutput(line -> line.contains("Submitting query") && line.contains("INSERT INTO orders SELECT 7"),
                Duration.ofSeconds(60));
        first.awaitOutput(line -> line.contains("Submitting query") && line.contains("INSERT INTO orders SELECT 8"),
                Duration.ofSeconds(60));
        Thread.sleep(500);
        assertThat(once).isNotDone();
        assertThat(safe).isNotDone();

        long killed = System.nanoTime();
        first.kill9();   // its registration stays, as when a sidecar registrar outlives the server

        // An idle session's next safe query moves and answers from the second server.
        long count = idleSafe.session().query("SELECT count(*) FROM orders", RetrySafety.SAFE_TO_RETRY,
                rs -> rs.next() ? rs.getLong(1) : -1);
        long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(count).isGreaterThanOrEqualTo(0);
        assertMovedToSecond(idleSafe, lost);
        assertThat(sessionState(idleSafe.session())).as("database and settings restored on the second server")
                .isEqualTo("sales|3");

        // The AT_MOST_ONCE insert in flight: outcome unknown, not run again, the session already moved.
        ExecutionException failed = null;
        try {
            once.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failed = e;
        }
        assertThat(failed).as("the AT_MOST_ONCE insert in flight must fail").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(StatementOutcomeUnknownException.class);
        StatementOutcomeUnknownException unknown = (StatementOutcomeUnknownException) failed.getCause();
        System.out.println("outcome-unknown error:\n" + unknown.getMessage());
        assertThat(unknown.getSQLState()).isEqualTo("08007");
        assertThat(unknown.lostServer()).isEqualTo(lost);
        assertThat(unknown.movedTo().map(HiveSessionFailoverIT::portOf)).contains(second.port());
        assertThat(unknown.sql()).contains("SELECT 7");
        assertThat(unknown.getMessage()).contains("127.0.0.1:" + first.port()).contains("may or may not have been applied")
                .contains("NOT run again").contains("moved to HiveServer2 127.0.0.1:" + second.port());
        assertMovedToSecond(flightAtMostOnce, lost);

        // The SAFE_TO_RETRY insert in flight ran again on the second server and returned normally.
        safe.get(60, TimeUnit.SECONDS);
        assertMovedToSecond(flightSafe, lost);

        // An AT_MOST_ONCE insert issued on an idle session after the kill never reached the dead
        // server (the probe found the connection dead before sending it): it moves and runs, no doubt.
        idleAtMostOnce.session().execute("INSERT INTO orders VALUES (9)", RetrySafety.AT_MOST_ONCE);
        assertMovedToSecond(idleAtMostOnce, lost);

        List<Integer> ids = idleSafe.session().query("SELECT id FROM orders ORDER BY id", RetrySafety.SAFE_TO_RETRY, rs -> {
            List<Integer> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getInt(1));
            }
            return rows;
        });
        assertThat(ids).as("8 ran again (marked safe), 9 moved before it was sent, 7 was not run again").containsExactly(8, 9);
        System.out.printf("failover: first server killed -> a SAFE_TO_RETRY query answered by the second in %d ms "
                + "(the move itself, as the listener saw it: %d ms)%n", answeredMs, idleSafe.failovers().get(0).took().toMillis());
    }

    @Test
    @Order(3)
    void whenEveryRegisteredServerIsDeadTheErrorNamesTheRegistryAndEachServer() throws Exception {
        Tracked t = open();
        assertThat(portOf(t.session().currentServer().orElseThrow())).isEqualTo(second.port());
        second.kill9();

        SQLException failure = catchSql(() -> t.session().query("SELECT 1", RetrySafety.SAFE_TO_RETRY, rs -> rs.next()));

        System.out.println("all servers dead:\n" + failure.getMessage());
        assertThat((Throwable) failure).isNotInstanceOf(StatementOutcomeUnknownException.class);
        assertThat(failure.getSQLState()).isEqualTo("08001");
        assertThat(failure.getMessage()).contains("HiveServer2 127.0.0.1:" + second.port())
                .contains("no other server registered under /zktoolkit/hiveserver2 on ZooKeeper " + zk.connectString())
                .contains("127.0.0.1:" + first.port());
        assertThat(t.session().currentServer()).isEmpty();

        // The next call tries every registered server again (one may have come back) and says so.
        SQLException again = catchSql(() -> t.session().execute("SELECT 1", RetrySafety.AT_MOST_ONCE));
        assertThat(again.getMessage()).contains("/zktoolkit/hiveserver2").contains("the next call tries again");
    }

    /** A condition that sleeps a minute on the first server only, so the statement is still running there when it is killed. */
    private static String sleepOnFirst() {
        return "coalesce(length(reflect('java.lang.Thread', 'sleep', CAST(IF(instr('${spark.sql.warehouse.dir}', '"
                + first.warehouse() + "') > 0, 60000, 0) AS BIGINT))), 0) >= 0";
    }

    private static void assertMovedToSecond(Tracked t, HiveServerInstance lost) {
        assertThat(t.session().currentServer().map(HiveSessionFailoverIT::portOf)).contains(second.port());
        assertThat(t.failovers()).hasSize(1);
        HiveFailover failover = t.failovers().get(0);
        assertThat(failover.from()).isEqualTo(lost);
        assertThat(portOf(failover.to())).isEqualTo(second.port());
        assertThat(failover.reason()).isNotBlank();
    }

    private static CompletableFuture<Void> runAsync(Tracked t, String sql, RetrySafety safety) {
        return CompletableFuture.runAsync(() -> {
            try {
                t.session().execute(sql, safety);
            } catch (SQLException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** The session's current database and shuffle partitions, as the server sees them. */
    private static String sessionState(FailoverHiveSession session) throws SQLException {
        String database = session.query("SELECT current_database()", RetrySafety.SAFE_TO_RETRY,
                rs -> rs.next() ? rs.getString(1) : null);
        String partitions = session.query("SET spark.sql.shuffle.partitions", RetrySafety.SAFE_TO_RETRY,
                rs -> rs.next() ? rs.getString(2) : null);
        return database + "|" + partitions;
    }

    @FunctionalInterface
    private interface SqlCall {
        void run() throws SQLException;
    }

    private static SQLException catchSql(SqlCall call) {
        try {
            call.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected an SQLException");
    }
}
