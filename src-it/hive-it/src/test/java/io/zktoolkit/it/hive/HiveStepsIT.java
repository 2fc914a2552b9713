package io.zktoolkit.it.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.locks.hive.HiveObject;
import io.zktoolkit.sync.hive.ColumnReader;
import io.zktoolkit.sync.hive.HiveColumn;
import io.zktoolkit.sync.hive.HiveSchemaCache;
import io.zktoolkit.sync.hive.HiveSchemaNotices;
import io.zktoolkit.sync.hive.HiveStepFailedException;
import io.zktoolkit.sync.hive.HiveStepRunner;
import io.zktoolkit.sync.hive.StepResult;
import io.zktoolkit.sync.hive.TableSchema;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobStateException;
import io.zktoolkit.sync.state.RunState;
import io.zktoolkit.sync.state.RunStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * toolkit-sync's Hive integration with real statements: the Spark 3.5.4 Thrift Server in a child
 * JVM (one for the whole class, shared with other classes: {@link SharedThriftServers}; the tables
 * {@code src}, {@code dst} and {@code customers} are this class's alone), the stock hive-jdbc driver,
 * a real 3-server ZooKeeper ensemble.
 * "Job A" runs steps on its own ZooKeeper client and Hive session; "job B" waits for them and
 * caches schemas on its own.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedThriftServers.class)
class HiveStepsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** Sleeps in a Spark task: a statement that runs until cancelled, using no CPU. */
    private static final String SLOW = "SELECT reflect('java.lang.Thread', 'sleep', cast(20000 as bigint))";

    private static ThriftServer server;
    private static InJvmQuorum quorum;
    private static final List<AutoCloseable> opened = new ArrayList<>();
    private static JobBoard boardA;
    private static JobBoard boardB;
    private static Connection hiveA;
    private static HiveStepRunner stepsA;

    @BeforeAll
    static void start(SharedThriftServers.Pair servers) throws Exception {
        server = servers.first();
        quorum = InJvmQuorum.start(3);
        ToolkitClient zkA = zooKeeper();
        boardA = board(zkA);
        boardB = board(zooKeeper());
        hiveA = open();
        stepsA = HiveStepRunner.builder(boardA, hiveA).schemaNotices(HiveSchemaNotices.on(zkA)).build();
        try (Statement statement = hiveA.createStatement()) {
            statement.execute("CREATE TABLE src (id INT, name STRING) USING parquet");
            statement.execute("INSERT INTO src VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            statement.execute("CREATE TABLE dst (id INT, name STRING) USING parquet");
            // Cancelled statements interrupt their tasks, so a cancelled sleep frees the server's 2 cores.
            statement.execute("SET spark.sql.thriftServer.interruptOnCancel=true");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (int i = opened.size() - 1; i >= 0; i--) {
                opened.get(i).close();
            }
        } finally {
            if (quorum != null) {
                quorum.close();
            }
        }
    }

    @Test
    @Order(1)
    void aStepThatSucceedsIsPublishedWithRowsAndDurationAndTheJobWaitingOnItGoesOn() throws Exception {
        // Job B waits before job A has even published the step.
        CompletableFuture<RunStatus> waiter = CompletableFuture.supplyAsync(() -> await(boardB, "load-dst.2026-11-22"));
        StepResult load = stepsA.run("load-dst.2026-11-22", "INSERT INTO dst SELECT * FROM src");
        RunStatus seen = waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(seen.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(seen.attributes()).containsKey(HiveStepRunner.DURATION_MS)
                .containsEntry(HiveStepRunner.DURATION_MS, Long.toString(load.duration().toMillis()));
        assertThat(seen.attributes().get(HiveStepRunner.STATEMENT)).matches("INSERT INTO sha256:[0-9a-f]{16}");
        assertThat(seen.transitions()).extracting(t -> t.state()).containsExactly(RunState.QUEUED, RunState.RUNNING, RunState.SUCCEEDED);
        System.out.printf("INSERT ... SELECT of 3 rows: driver row count %s, %d ms%n", load.rows(), load.duration().toMillis());
        // The Spark Thrift Server answers every statement with a result set and reports no row count
        // (HiveServer2 3+ does, through numModifiedRows), so rows is left out rather than published as 0.
        assertThat(load.rows()).isEmpty();
        assertThat(seen.attributes()).doesNotContainKey(HiveStepRunner.ROWS);

        // Rows read through the runner are counted: job B checks what job A wrote, as a published step of its own.
        try (Connection hiveB = open(); Statement refresh = hiveB.createStatement()) {
            refresh.execute("REFRESH TABLE dst"); // Thrift Server sessions cache file listings
            List<String> names = new ArrayList<>();
            StepResult check = HiveStepRunner.builder(boardB, hiveB).build()
                    .query("check-dst.2026-11-22", "SELECT name FROM dst ORDER BY id", row -> names.add(row.getString(1)));
            assertThat(names).containsExactly("a", "b", "c");
            assertThat(check.rows()).hasValue(3);
            assertThat(await(boardA, "check-dst.2026-11-22").attributes()).containsEntry(HiveStepRunner.ROWS, "3");
        }
    }

    @Test
    @Order(2)
    void aStepThatFailsIsPublishedFailedWithTheServersMessageAndNoSecrets() throws Exception {
        CompletableFuture<RunStatus> waiter = CompletableFuture.supplyAsync(() -> await(boardB, "load-missing.2026-11-22"));
        String sql = "INSERT INTO dst SELECT * FROM no_such_table WHERE name = 'hunter2-token'";
        SQLException thrown = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> stepsA.run("load-missing.2026-11-22", sql));

        assertThatThrownBy(() -> HiveStepRunner.awaitSucceeded(boardB, "load-missing.2026-11-22", WAIT))
                .isInstanceOfSatisfying(HiveStepFailedException.class, e -> {
                    assertThat(e.state()).isEqualTo(RunState.FAILED);
                    assertThat(e.sqlState()).isEqualTo(thrown.getSQLState()).isNotBlank();
                    assertThat(e.getMessage()).contains("load-missing.2026-11-22").contains("no_such_table")
                            .doesNotContain("hunter2-token");
                    System.out.println("Published failure: " + e.status().message().lines().findFirst().orElse(""));
                });
        assertThat(thrown.getMessage()).as("the server echoes the statement, which is why reasons are masked").contains("hunter2-token");
        assertThat(waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS).state()).isEqualTo(RunState.FAILED);

        assertThatThrownBy(() -> stepsA.run("load-missing.2026-11-22", "SELECT 1"))
                .as("a step id is one run").isInstanceOf(JobStateException.class).hasMessageContaining("already on the board");
    }

    @Test
    @Order(3)
    void anAlterByOneJobIsSeenByAnotherJobsSchemaCacheAndADropReportsTheTableGone() throws Exception {
        HiveObject customers = HiveObject.table("default", "customers");
        StepResult create = stepsA.run("create-customers.2026-11-22", "CREATE TABLE customers (id INT, name STRING) USING parquet");
        assertThat(create.schema()).hasValueSatisfying(n -> assertThat(n.version()).isEqualTo(1));

        try (Connection hiveB = open()) {
            HiveSchemaCache cache = HiveSchemaCache.builder(zooKeeper(), ColumnReader.jdbc(hiveB)).build();
            opened.add(cache);
            cache.start();
            TableSchema before = cache.schema(customers);
            assertThat(before.version()).isEqualTo(1);
            assertThat(before.columns()).containsExactly(new HiveColumn("id", "int"), new HiveColumn("name", "string"));

            StepResult alter = stepsA.run("alter-customers.2026-11-22", "ALTER TABLE customers ADD COLUMNS (email STRING)");
            assertThat(alter.schema().orElseThrow().version()).isEqualTo(2);
            assertThat(await(boardB, "alter-customers.2026-11-22").attributes())
                    .containsEntry(HiveStepRunner.TABLE, "default.customers").containsEntry(HiveStepRunner.SCHEMA_VERSION, "2");
            waitUntil(() -> cache.schema(customers).version() == 2);
            assertThat(cache.schema(customers).columns()).extracting(HiveColumn::name).containsExactly("id", "name", "email");
            assertThat(cache.schema(customers).digest()).isEqualTo(alter.schema().orElseThrow().digest());

            StepResult drop = stepsA.run("drop-customers.2026-11-22", "DROP TABLE customers");
            assertThat(drop.schema().orElseThrow().dropped()).isTrue();
            waitUntil(() -> cache.schema(customers).version() == 3);
            assertThat(cache.schema(customers).dropped()).isTrue();
            assertThat(cache.schema(customers).columns()).isEmpty();
        }
    }

    @Test
    @Order(4)
    void aCancelledOrTimedOutStepIsPublishedCancelledWithTheReason() throws Exception {
        CompletableFuture<StepResult> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return stepsA.run("slow.2026-11-22", SLOW);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        waitUntil(() -> boardB.job("slow.2026-11-22").map(j -> j.job().state() == RunState.RUNNING).orElse(false));
        Thread.sleep(500); // the statement reaches the server
        assertThat(stepsA.cancel("slow.2026-11-22", "stopped by the operator")).isTrue();
        assertThatThrownBy(() -> slow.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> HiveStepRunner.awaitSucceeded(boardB, "slow.2026-11-22", WAIT))
                .isInstanceOfSatisfying(HiveStepFailedException.class, e -> {
                    assertThat(e.state()).isEqualTo(RunState.CANCELLED);
                    assertThat(e.status().message()).isEqualTo("stopped by the operator");
                });

        try (Connection hive = open(); Statement set = hive.createStatement()) {
            set.execute("SET spark.sql.thriftServer.interruptOnCancel=true");
            HiveStepRunner limited = HiveStepRunner.builder(boardA, hive).queryTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> limited.run("slow-limited.2026-11-22", SLOW)).isInstanceOf(SQLTimeoutException.class);
            RunStatus timedOut = boardB.awaitFinished("slow-limited.2026-11-22", WAIT);
            assertThat(timedOut.state()).isEqualTo(RunState.CANCELLED);
            assertThat(timedOut.message()).startsWith("timed out after the query timeout of PT2S");
        }
    }

    @Test
    @Order(5)
    void aStepWhosePublisherDiesMidStatementIsAbandonedAndTheWaiterIsToldAtOnce() throws Exception {
        ToolkitClient dying = zooKeeper();
        JobBoard dyingBoard = JobBoard.builder(dying).waitTimeout(Duration.ofSeconds(3)).build();
        dyingBoard.start();
        try (Connection hive = open(); Statement set = hive.createStatement()) {
            set.execute("SET spark.sql.thriftServer.interruptOnCancel=true");
            HiveStepRunner steps = HiveStepRunner.builder(dyingBoard, hive).build();
            CompletableFuture<StepResult> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return steps.run("dies.2026-11-22", SLOW);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            CompletableFuture<RunStatus> waiter = CompletableFuture.supplyAsync(() -> await(boardB, "dies.2026-11-22"));
            waitUntil(() -> boardB.job("dies.2026-11-22").map(j -> j.job().state() == RunState.RUNNING).orElse(false));
            long closedAt = System.nanoTime();
            dying.close(); // the process's ZooKeeper session ends, as when it is killed
            assertThatThrownBy(() -> waiter.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasCauseInstanceOf(JobStateException.class)
                    .hasMessageContaining("abandoned RUNNING");
            System.out.printf("The waiter was told the step was abandoned %d ms after its publisher's session ended%n",
                    Duration.ofNanos(System.nanoTime() - closedAt).toMillis());
            steps.cancel("dies.2026-11-22", "test over");
            assertThatThrownBy(() -> slow.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        } finally {
            dyingBoard.close();
        }
    }

    private static RunStatus await(JobBoard board, String stepId) {
        try {
            return board.awaitFinished(stepId, WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JobBoard board(ToolkitClient client) {
        JobBoard board = JobBoard.builder(client).build();
        opened.add(board);
        board.start();
        return board;
    }

    private static ToolkitClient zooKeeper() {
        ToolkitClient client = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, quorum.connectString()).build());
        opened.add(client);
        return client;
    }

    private static Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection(server.jdbcUrl("default"), "etl", "");
        opened.add(connection);
        return connection;
    }

    private static void waitUntil(Check condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT + "\n" + server.recentOutput());
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
