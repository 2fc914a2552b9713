package io.zktoolkit.it.sqoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.sync.sqoop.ExportFailedException;
import io.zktoolkit.sync.sqoop.ExportId;
import io.zktoolkit.sync.sqoop.ExportListener;
import io.zktoolkit.sync.sqoop.ExportResult;
import io.zktoolkit.sync.sqoop.StagedExport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sqoop.Sqoop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real Sqoop exports of a directory into a real PostgreSQL table through {@link StagedExport}. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StagedExportIT {
    private static final int ROWS = 200;

    @TempDir
    static Path shared;
    private static SourceDatabase db;
    private static ToolkitClient zk;
    private static List<SourceDatabase.Order> orders;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = SourceDatabase.start(shared.resolve("postgres"), ROWS, "Export-" + UUID.randomUUID());
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        orders = db.orders();
    }

    @AfterAll
    static void stop() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** The superuser URL (trusted on loopback): the export and the move use it. */
    private static String url() {
        return db.jdbcUrl() + "?user=postgres";
    }

    /** An export of {@code dir} into {@code table} through {@code staging}, Sqoop's files under {@code work}. */
    static StagedExport export(ToolkitClient zk, String url, String table, String staging, String dir, Path work,
            ExportListener listener) {
        return StagedExport.builder(zk, SqoopLocal.localHadoop(work))
                .connect(url, () -> DriverManager.getConnection(url))
                .table(table).stagingTable(staging).exportDir(dir)
                .sqoopArguments("--username", "postgres", "--input-fields-terminated-by", "\\t", "--num-mappers", "1",
                        "--bindir", work.resolve("bin").toString(), "--outdir", work.resolve("src").toString())
                .lockWait(Duration.ofMinutes(2)).listener(listener).build();
    }

    private StagedExport export(String table, Path dir, ExportListener listener) {
        return export(zk, url(), table, table + "_staging", dir.toString(), work.resolve("sqoop-" + UUID.randomUUID()), listener);
    }

    private StagedExport export(String table, Path dir) {
        return export(table, dir, new ExportListener() {
        });
    }

    /** A target table with the orders columns and its staging table. */
    private static void createTables(String table) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement()) {
            for (String name : List.of(table, table + "_staging")) {
                s.execute("CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                        + " amount NUMERIC(12,2) NOT NULL, updated_at TIMESTAMP NOT NULL)");
            }
        }
    }

    /** Orders {@code from}..{@code to} as tab-separated text files of 50 rows each, and optional extra lines. */
    private Path inputDir(String name, int from, int to, String... extraLines) throws IOException {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        List<String> lines = new ArrayList<>();
        for (SourceDatabase.Order o : orders.subList(from - 1, to)) {
            lines.add(o.id() + "\t" + o.name() + "\t" + o.amount() + "\t" + o.updatedAt());
        }
        Collections.addAll(lines, extraLines);
        for (int part = 0; part * 50 < lines.size(); part++) {
            Files.write(dir.resolve(String.format("part-m-%05d", part)),
                    lines.subList(part * 50, Math.min(lines.size(), part * 50 + 50)), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("_SUCCESS"), "");
        return dir;
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The rows of {@code table}, in the orders record. */
    private static List<SourceDatabase.Order> rows(String table) throws SQLException {
        List<SourceDatabase.Order> rows = new ArrayList<>();
        try (Connection c = db.superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, amount, updated_at FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(new SourceDatabase.Order(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3), rs.getTimestamp(4)));
            }
        }
        return rows;
    }

    @Test
    void anExportLoadsEveryRowOnceAndARerunLoadsNothingWhereAPlainSqoopRerunLoadsTwice() throws Exception {
        createTables("copy_once");
        Path input = inputDir("once", 1, ROWS);
        ExportResult first = export("copy_once", input).run();
        assertThat(first.loaded()).isTrue();
        assertThat(first.rows()).isEqualTo(ROWS);
        assertThat(rows("copy_once")).isEqualTo(orders);
        assertThat(count("SELECT count(*) FROM copy_once_staging")).isZero();
        assertThat(count("SELECT count(*) FROM zktoolkit_export_ledger WHERE export_id = '" + first.id().digest() + "'")).isOne();
        assertThat(zk.curator().checkExists().forPath(export("copy_once", input).recordPath(first.id()))).isNotNull();

        ExportResult rerun = export("copy_once", input).run();
        assertThat(rerun.loaded()).isFalse();
        assertThat(rerun.message()).contains("was already loaded, nothing done: recorded in ZooKeeper");
        assertThat(rows("copy_once")).isEqualTo(orders);

        // Without the toolkit: the same export run twice with Sqoop alone into a table without a key.
        try (Connection c = db.superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE copy_plain AS SELECT * FROM orders WITH NO DATA");
        }
        for (int run = 0; run < 2; run++) {
            Path sqoopWork = work.resolve("plain-" + run);
            assertThat(Sqoop.runTool(new String[] {"export", "--connect", url(), "--username", "postgres",
                "--table", "copy_plain", "--export-dir", input.toString(), "--input-fields-terminated-by", "\\t",
                "--num-mappers", "1", "--bindir", sqoopWork.resolve("bin").toString(),
                "--outdir", sqoopWork.resolve("src").toString()}, SqoopLocal.localHadoop(sqoopWork))).isZero();
        }
        assertThat(count("SELECT count(*) FROM copy_plain")).isEqualTo(2L * ROWS);
    }

    @Test
    void aFailedExportLeavesTheTargetUntouchedAndTheStagingEmpty() throws Exception {
        createTables("copy_fail");
        // Rows already there: the target must keep exactly these.
        export("copy_fail", inputDir("before", 1, 20)).run();
        List<SourceDatabase.Order> before = rows("copy_fail");

        // A bad row: Sqoop's parse fails in the mapper, after other rows reached the staging table.
        Path badRow = inputDir("bad-row", 21, 120, "not-a-number\tname\t1.00\t2024-01-01 00:00:00");
        assertThatThrownBy(() -> export("copy_fail", badRow).run()).isInstanceOf(ExportFailedException.class)
                .hasMessageContaining("into staging table copy_fail_staging failed")
                .hasMessageContaining("target table copy_fail is untouched and the staging table was emptied");
        assertThat(rows("copy_fail")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM copy_fail_staging")).isZero();

        // The target's primary key violated by the move: rows 15..40 overlap the 1..20 already loaded.
        Path overlapping = inputDir("overlapping", 15, 40);
        assertThatThrownBy(() -> export("copy_fail", overlapping).run()).isInstanceOf(ExportFailedException.class)
                .hasMessageContaining("Moving the rows of copy_fail_staging into copy_fail failed and was rolled back")
                .hasMessageContaining("duplicate key");
        assertThat(rows("copy_fail")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM copy_fail_staging")).isZero();
        ExportId overlappingId = ExportId.of(SqoopLocal.localHadoop(work), overlapping.toString(), "copy_fail");
        assertThat(count("SELECT count(*) FROM zktoolkit_export_ledger WHERE export_id = '" + overlappingId.digest() + "'")).isZero();

        assertThatThrownBy(() -> export("copy_fail", work.resolve("missing")).run())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> StagedExport.builder(zk, SqoopLocal.localHadoop(work)).sqoopArguments("--update-key", "id"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--update-key is not allowed");
    }

    @Test
    void twoExportsIntoOneTableAtOnceRunOneAfterTheOther() throws Exception {
        createTables("copy_both");
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Path firstHalf = inputDir("first-half", 1, ROWS / 2);
        Path secondHalf = inputDir("second-half", ROWS / 2 + 1, ROWS);
        List<CompletableFuture<ExportResult>> exports = new ArrayList<>();
        for (Path dir : List.of(firstHalf, secondHalf)) {
            String name = dir.getFileName().toString();
            exports.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return export("copy_both", dir, new ExportListener() {
                        @Override
                        public void locked(ExportId id, long token) {
                            events.add("locked " + name);
                        }

                        @Override
                        public void unlocking(ExportId id) {
                            events.add("unlocking " + name);
                        }
                    }).run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<ExportResult> f : exports) {
            assertThat(f.get(240, TimeUnit.SECONDS).loaded()).isTrue();
        }
        System.out.println("Lock order: " + events);
        assertThat(events).hasSize(4);
        assertThat(events.get(0).substring("locked ".length())).isEqualTo(events.get(1).substring("unlocking ".length()));
        assertThat(events.get(2).substring("locked ".length())).isEqualTo(events.get(3).substring("unlocking ".length()));
        assertThat(rows("copy_both")).isEqualTo(orders);
    }

    @Test
    void anExporterKilledBetweenTheCommitAndTheZooKeeperRecordThenARerunLoadsEachRowOnce() throws Exception {
        createTables("copy_kill");
        Path input = inputDir("kill", 1, ROWS);
        Path childWork = work.resolve("child");
        try (ChildJvm child = ChildJvm.builder(StagedExportMain.class.getName()).name("exporter").jvmOption("-Xmx512m")
                .args(zk.connectString(), url(), "copy_kill", "copy_kill_staging", input.toString(), childWork.toString())
                .start()) {
            child.awaitLine(l -> l.equals("COMMITTED " + ROWS), Duration.ofSeconds(180));
            child.kill9();
        }
        ExportId id = ExportId.of(SqoopLocal.localHadoop(work), input.toString(), "copy_kill");
        StagedExport rerun = export("copy_kill", input);
        assertThat(zk.curator().checkExists().forPath(rerun.recordPath(id))).as("no ZooKeeper record yet").isNull();
        assertThat(rows("copy_kill")).isEqualTo(orders);

        ExportResult result = rerun.run();
        assertThat(result.loaded()).isFalse();
        assertThat(result.message()).contains("recorded in the ledger zktoolkit_export_ledger").contains("ZooKeeper record written");
        assertThat(rows("copy_kill")).isEqualTo(orders);
        assertThat(zk.curator().checkExists().forPath(rerun.recordPath(id))).isNotNull();
    }
}
