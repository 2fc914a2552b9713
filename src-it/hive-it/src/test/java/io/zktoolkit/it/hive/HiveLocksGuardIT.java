package io.zktoolkit.it.hive;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockMode;
import io.zktoolkit.locks.hive.HiveLocks;
import io.zktoolkit.locks.hive.HiveObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HiveLocks} guarding real statements: writers on their own ZooKeeper clients and their
 * own sessions of the stock hive-jdbc driver run read-modify-write statements against a real
 * HiveServer2-protocol server (the Spark 3.5.4 Thrift Server in a child JVM, shared with other
 * classes: {@link SharedThriftServers}; the table {@code ledger} is this class's alone).
 *
 * <p>Each writer reads the partition's highest sequence number and inserts the next one. Between
 * the read and the insert it waits for the other writers at a barrier, trying to force the
 * interleaving that loses updates. Without locks the writers meet there and insert the same
 * number; with an exclusive partition lock they never meet, and the partition ends with every
 * number once, each row carrying a higher fencing token than the row before.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@ExtendWith(SharedThriftServers.class)
class HiveLocksGuardIT {
    private static final int WRITERS = 3;
    /** Long enough for unguarded writers to meet despite uneven statement times. */
    private static final Duration MEET_IF_YOU_CAN = Duration.ofSeconds(10);
    /** Guarded writers can never meet, however long they wait: keep the guarded run short. */
    private static final Duration PROVE_YOU_CANNOT = Duration.ofMillis(300);

    private static ThriftServer server;
    private static InJvmQuorum quorum;
    private static ToolkitClient setup;
    private final ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 1);

    @BeforeAll
    static void start(SharedThriftServers.Pair servers) throws Exception {
        server = servers.second();
        quorum = InJvmQuorum.start(3);
        setup = zooKeeper();
        try (Connection conn = DriverManager.getConnection(server.jdbcUrl("default"), "etl", "");
             Statement statement = conn.createStatement()) {
            statement.execute("CREATE TABLE ledger (seq INT, writer STRING, token BIGINT, ds STRING) "
                    + "USING parquet PARTITIONED BY (ds)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (setup != null) {
                setup.close();
            }
        } finally {
            if (quorum != null) {
                quorum.close();
            }
        }
    }

    @Test
    void withoutLocksTheForcedInterleavingLosesUpdates() throws Exception {
        List<Row> rows = runWriters("2024-01-01", 1, false);
        assertThat(meetings(rows)).as("the writers met between read and insert").isPositive();
        assertThat(rows.stream().map(Row::seq).distinct().count()).as("duplicated sequence numbers").isLessThan(rows.size());
    }

    @Test
    void anExclusivePartitionLockMakesEveryReadModifyWriteWhole() throws Exception {
        List<Row> rows = runWriters("2024-01-02", 3, true);
        assertThat(meetings(rows)).as("no two writers were ever inside the partition lock together").isZero();
        assertThat(rows).extracting(Row::seq).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(rows).extracting(Row::token).as("each row's token is higher than the one before").isSorted()
                .doesNotHaveDuplicates();
        assertThat(rows).extracting(Row::writer).contains("writer-0", "writer-1", "writer-2");
    }

    @Test
    void aTableWriterWaitsForAPartitionReaderAndThenRunsAlone() throws Exception {
        HiveLocks readerLocks = new HiveLocks(setup);
        List<String> events = new CopyOnWriteArrayList<>();
        try (ToolkitClient writerZk = zooKeeper();
             Connection reader = open(); Statement readStatement = reader.createStatement()) {
            LockLease reading = readerLocks.lock(HiveObject.parse("default.ledger/ds=2024-01-03"), LockMode.SHARED)
                    .acquire(Duration.ofSeconds(10)).orElseThrow();
            CompletableFuture<Void> truncate = CompletableFuture.runAsync(() -> {
                try (Connection writer = open(); Statement statement = writer.createStatement()) {
                    LockLease table = new HiveLocks(writerZk).lock(HiveObject.table("default", "ledger"), LockMode.EXCLUSIVE)
                            .acquire(Duration.ofSeconds(60)).orElseThrow();
                    try {
                        events.add("table writer in");
                        table.checkHeld();
                        statement.execute("ALTER TABLE ledger DROP IF EXISTS PARTITION (ds='2024-01-03')");
                    } finally {
                        table.release();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            readStatement.execute("INSERT INTO ledger PARTITION (ds='2024-01-03') VALUES (1, 'reader-setup', " + reading.token() + ")");
            Thread.sleep(500);
            events.add("reader done");
            assertThat(truncate).as("the table writer waits while the partition is read").isNotDone();
            reading.release();
            truncate.get(60, TimeUnit.SECONDS);
        }
        assertThat(events).containsExactly("reader done", "table writer in");
        try (Connection conn = open(); Statement statement = conn.createStatement()) {
            assertThat(single(refreshed(statement), "SELECT count(*) FROM ledger WHERE ds = '2024-01-03'"))
                    .as("the table writer ran after the reader's insert").isZero();
        }
    }

    private record Row(int seq, String writer, long token, boolean met) {
    }

    private static long meetings(List<Row> rows) {
        return rows.stream().filter(Row::met).count();
    }

    /** {@code WRITERS} writers each do {@code rounds} read-modify-writes on partition {@code ds}. */
    private List<Row> runWriters(String ds, int rounds, boolean locked) throws Exception {
        CyclicBarrier meeting = new CyclicBarrier(WRITERS);
        Object insertsOneAtATime = new Object();
        List<Row> written = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        HiveObject partition = HiveObject.parse("default.ledger/ds=" + ds);
        // Concurrent first inserts into a missing partition race in the server's Derby metastore
        // (one fails with "table not found"); the race under test is the writers', not that one.
        try (Connection conn = open(); Statement statement = conn.createStatement()) {
            statement.execute("ALTER TABLE ledger ADD IF NOT EXISTS PARTITION (ds='" + ds + "')");
        }
        for (int w = 0; w < WRITERS; w++) {
            String name = "writer-" + w;
            all.add(CompletableFuture.runAsync(() -> {
                try (ToolkitClient zk = zooKeeper();
                     Connection conn = open(); Statement statement = conn.createStatement()) {
                    HiveLocks locks = new HiveLocks(zk);
                    for (int round = 0; round < rounds; round++) {
                        LockLease lease = locked
                                ? locks.lock(partition, LockMode.EXCLUSIVE).acquire(Duration.ofSeconds(120)).orElseThrow()
                                : null;
                        try {
                            int next = single(refreshed(statement), "SELECT coalesce(max(seq), 0) + 1 FROM ledger WHERE ds = '" + ds + "'");
                            boolean together = meet(meeting, locked ? PROVE_YOU_CANNOT : MEET_IF_YOU_CAN);
                            long token = lease == null ? 0 : lease.token();
                            if (lease != null) {
                                lease.checkHeld();
                            }
                            // Concurrent inserts into one table share Spark's _temporary folder and can fail
                            // each other; one at a time they still lose updates, which is the race under test.
                            synchronized (insertsOneAtATime) {
                                statement.execute("INSERT INTO ledger PARTITION (ds='" + ds + "') VALUES (" + next
                                        + ", '" + name + "', " + token + ")");
                            }
                            written.add(new Row(next, name, token, together));
                        } finally {
                            if (lease != null) {
                                lease.release();
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(name + " failed: " + e + "\n" + server.recentOutput(), e);
                }
            }, threads));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
        List<Row> stored = new ArrayList<>();
        try (Connection conn = open(); Statement statement = conn.createStatement();
             ResultSet rs = refreshed(statement).executeQuery("SELECT seq, writer, token FROM ledger WHERE ds = '" + ds
                     + "' ORDER BY seq, token")) {
            while (rs.next()) {
                int seq = rs.getInt(1);
                String writer = rs.getString(2);
                long token = rs.getLong(3);
                boolean together = written.stream().anyMatch(r -> r.seq() == seq && r.writer().equals(writer) && r.met());
                stored.add(new Row(seq, writer, token, together));
            }
        }
        assertThat(stored).as("every insert reached the table").hasSize(WRITERS * rounds);
        return stored;
    }

    /** Whether every writer reached the barrier within the wait: only possible when none is excluded. */
    private static boolean meet(CyclicBarrier meeting, Duration wait) {
        try {
            meeting.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | BrokenBarrierException e) {
            meeting.reset();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Each Thrift Server session caches a table's file listing; refreshing shows other sessions' rows. */
    private static Statement refreshed(Statement statement) throws SQLException {
        statement.execute("REFRESH TABLE ledger");
        return statement;
    }

    /** Every participant on its own client of the one shared ensemble. */
    private static ToolkitClient zooKeeper() {
        return ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, quorum.connectString()).build());
    }

    private static Connection open() throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl("default"), "etl", "");
    }

    private static int single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
