package io.zktoolkit.it.sqoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.sync.sqoop.ZooKeeperJobStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.sqoop.Sqoop;
import org.apache.sqoop.metastore.hsqldb.HsqldbMetaStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sqoop saved jobs in ZooKeeper ({@link ZooKeeperJobStorage}), created on one edge node and listed,
 * shown and executed on another (a child JVM), against one real ZooKeeper and a real PostgreSQL.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqoopSavedJobsIT {
    private static final int ROWS = 300;
    private static final String PASSWORD = "Jobs-" + UUID.randomUUID();

    @TempDir
    static Path shared;
    private static SourceDatabase db;
    private static ToolkitClient zk;
    private static String metaConnect;
    private static Path passwordFile;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = SourceDatabase.start(shared.resolve("postgres"), ROWS, PASSWORD);
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        metaConnect = "zk://" + zk.connectString() + "/sqoop";
        passwordFile = shared.resolve("password");
        Files.writeString(passwordFile, PASSWORD);
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

    /** A copy of {@code orders} that only this test adds rows to. */
    private static void copyOrders(String table) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " AS SELECT * FROM " + SourceDatabase.TABLE);
            s.execute("GRANT SELECT ON " + table + " TO " + SourceDatabase.READER);
        }
    }

    private static void addRows(String table, int from, int to) throws SQLException {
        try (Connection c = db.superuser(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " SELECT i, 'New ' || i, i, TIMESTAMP '2025-01-01 00:00:00'"
                    + " FROM generate_series(" + from + ", " + to + ") AS i");
        }
    }

    /** {@code job --create name -- import ...}: an incremental append import of {@code table} by id. */
    private static List<String> createJob(String meta, String name, String table) {
        return new ArrayList<>(List.of("job", "--meta-connect", meta, "--create", name, "--", "import",
                "--connect", db.jdbcUrl(), "--username", SourceDatabase.READER,
                "--password-file", passwordFile.toUri().toString(), "--table", table,
                "--incremental", "append", "--check-column", "id", "--last-value", "0",
                "--split-by", "id", "--num-mappers", "1", "--fields-terminated-by", "\\t"));
    }

    /** {@code job --exec name} into a folder of its own ({@code run}), with its own generated-code folders. */
    private static List<String> execJob(String meta, String name, Path run) {
        return List.of("job", "--meta-connect", meta, "--exec", name, "--",
                "--target-dir", run.resolve("out").toString(), "--bindir", run.resolve("bin").toString(),
                "--outdir", run.resolve("src").toString(), "--temporary-rootdir", run.resolve("tmp").toString());
    }

    /** Edge node A: Sqoop in this JVM with the storage registered. */
    private int runHere(List<String> args, Map<String, String> extraConf) {
        Configuration conf = SqoopLocal.localHadoop(work.resolve("node-a"));
        ZooKeeperJobStorage.register(conf);
        extraConf.forEach(conf::set);
        return Sqoop.runTool(args.toArray(String[]::new), conf);
    }

    private int runHere(List<String> args) {
        return runHere(args, Map.of());
    }

    /** Edge node B: a child JVM running the commands (separated by --next--). */
    private ChildJvm startNode(String name, Path goFile, List<String> commands) throws IOException {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        return ChildJvm.builder(SqoopMain.class.getName()).name(name).jvmOption("-Xmx512m")
                .logFile(dir.resolve("output.txt"))
                .args(Stream.concat(Stream.of(dir.toString(), goFile == null ? "-" : goFile.toString()), commands.stream())
                        .toArray(String[]::new))
                .start();
    }

    /** How often each id was imported into the {@code out} folders of {@code runs}. */
    private static Map<Long, Integer> importedIds(Path... runs) throws IOException {
        Map<Long, Integer> counts = new TreeMap<>();
        for (Path run : runs) {
            Path out = run.resolve("out");
            if (!Files.isDirectory(out)) {
                continue;
            }
            try (Stream<Path> parts = Files.list(out)) {
                for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                    for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                        counts.merge(Long.parseLong(line.substring(0, line.indexOf('\t'))), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static String savedJob(String name) throws Exception {
        return new String(zk.curator().getData().forPath("/sqoop/jobs/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void aJobCreatedOnOneEdgeNodeIsListedShownAndRunOnAnotherAndASecondExecImportsOnlyNewRows() throws Exception {
        copyOrders("orders_incr");
        assertThat(runHere(createJob(metaConnect, "orders_incr", "orders_incr"))).isZero();
        String saved = savedJob("orders_incr");
        assertThat(saved).contains("sqoop.tool=import", "incremental.last.value=0", "db.table=orders_incr")
                .doesNotContain(PASSWORD);

        Path firstRun = work.resolve("node-b-run1");
        List<String> commands = new ArrayList<>(List.of("job", "--meta-connect", metaConnect, "--list"));
        commands.addAll(List.of("--next--", "job", "--meta-connect", metaConnect, "--show", "orders_incr", "--next--"));
        commands.addAll(execJob(metaConnect, "orders_incr", firstRun));
        try (ChildJvm nodeB = startNode("node-b", null, commands)) {
            assertThat(nodeB.waitForExit(Duration.ofSeconds(180))).as(nodeB.recentOutput()).isZero();
            assertThat(nodeB.lines()).contains("  orders_incr", "incremental.last.value = 0");
            assertThat(nodeB.lines()).filteredOn(l -> l.startsWith("SQOOP_RC=")).containsOnly("SQOOP_RC=0");
        }
        assertThat(importedIds(firstRun)).hasSize(ROWS).allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(savedJob("orders_incr")).contains("incremental.last.value=" + ROWS);

        addRows("orders_incr", ROWS + 1, ROWS + 40);
        Path secondRun = work.resolve("node-a-run2");
        assertThat(runHere(execJob(metaConnect, "orders_incr", secondRun))).isZero();
        Map<Long, Integer> second = importedIds(secondRun);
        assertThat(second.keySet()).hasSize(40).allSatisfy(id -> assertThat(id).isGreaterThan(ROWS));
        assertThat(savedJob("orders_incr")).contains("incremental.last.value=" + (ROWS + 40));

        assertThat(runHere(List.of("job", "--meta-connect", metaConnect, "--delete", "orders_incr"))).isZero();
        assertThat(zk.curator().checkExists().forPath("/sqoop/jobs/orders_incr")).isNull();
    }

    /** Two execs of one job started at the same moment on two edge nodes; each id imported how often. */
    private Map<Long, Integer> raceTwoExecs(String meta, String job, String prefix) throws Exception {
        Path go = work.resolve(prefix + "-go");
        Path runA = work.resolve(prefix + "-a").resolve("run");
        Path runB = work.resolve(prefix + "-b").resolve("run");
        try (ChildJvm a = startNode(prefix + "-a", go, execJob(meta, job, runA));
             ChildJvm b = startNode(prefix + "-b", go, execJob(meta, job, runB))) {
            a.awaitLine("READY"::equals, Duration.ofSeconds(60));
            b.awaitLine("READY"::equals, Duration.ofSeconds(60));
            Files.createFile(go);
            assertThat(a.waitForExit(Duration.ofSeconds(180))).as(a.recentOutput()).isZero();
            assertThat(b.waitForExit(Duration.ofSeconds(180))).as(b.recentOutput()).isZero();
            for (ChildJvm child : List.of(a, b)) {
                child.lines().stream().filter(l -> l.contains("bound value") || l.contains("No new rows")
                        || l.contains("Updated Sqoop job") || l.contains("Retrieved"))
                        .forEach(l -> System.out.println("[" + child.name() + "] " + l));
            }
        }
        return importedIds(runA, runB);
    }

    @Test
    void twoConcurrentExecsOfOneJobImportEachRowOnceWhileSqoopsOwnSharedMetastoreImportsThemTwice() throws Exception {
        copyOrders("orders_race");
        assertThat(runHere(createJob(metaConnect, "orders_race", "orders_race"))).isZero();
        Map<Long, Integer> withZooKeeper = raceTwoExecs(metaConnect, "orders_race", "zk");
        assertThat(withZooKeeper).hasSize(ROWS).allSatisfy((id, n) -> assertThat(n).as("imports of id " + id).isOne());
        assertThat(savedJob("orders_race")).contains("incremental.last.value=" + ROWS);

        // The same race against Sqoop's own shared metastore (an HSQLDB server, `sqoop metastore`).
        Configuration serverConf = new Configuration();
        int port = FreePorts.next();
        serverConf.set("sqoop.metastore.server.location", work.resolve("hsqldb-meta").resolve("meta").toString());
        serverConf.setInt("sqoop.metastore.server.port", port);
        HsqldbMetaStore metastore = new HsqldbMetaStore(serverConf);
        metastore.start();
        try {
            String hsqldb = "jdbc:hsqldb:hsql://127.0.0.1:" + port + "/sqoop";
            assertThat(runHere(createJob(hsqldb, "orders_race", "orders_race"))).isZero();
            Map<Long, Integer> withSqoopAlone = raceTwoExecs(hsqldb, "orders_race", "hsqldb");
            assertThat(withSqoopAlone).hasSize(ROWS);
            assertThat(withSqoopAlone.values()).as("both execs read last value 0 and imported every row")
                    .containsOnly(2);
        } finally {
            metastore.shutdown();
        }
    }

    /** Runs {@code args} here and returns what Sqoop logged and printed, asserting it failed with rc 1. */
    private String failingRun(List<String> args, Map<String, String> conf) {
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(runHere(args, conf)).as(output.text()).isEqualTo(1);
            return output.text();
        }
    }

    @Test
    void badUrlMissingJobDuplicateCreateClearPasswordAndUnreachableZooKeeperFailClearly() throws Exception {
        copyOrders("orders_errors");
        assertThat(failingRun(createJob("zk://127.0.0.1:notaport/sqoop", "x", "orders_errors"), Map.of()))
                .contains("Invalid Sqoop metastore URL 'zk://127.0.0.1:notaport/sqoop': '127.0.0.1:notaport' is not host:port");
        assertThat(failingRun(createJob("zk://" + zk.connectString(), "x", "orders_errors"), Map.of()))
                .contains("it names no znode path after the hosts");

        assertThat(failingRun(execJob(metaConnect, "no_such_job", work.resolve("none")), Map.of()))
                .contains("No Sqoop job 'no_such_job' at " + metaConnect);

        assertThat(runHere(createJob(metaConnect, "orders_dup", "orders_errors"))).isZero();
        String before = savedJob("orders_dup");
        assertThat(failingRun(createJob(metaConnect, "orders_dup", "orders_errors"), Map.of()))
                .contains("Sqoop job 'orders_dup' already exists at " + metaConnect);
        assertThat(savedJob("orders_dup")).isEqualTo(before);

        List<String> clearPassword = createJob(metaConnect, "orders_pw", "orders_errors");
        int file = clearPassword.indexOf("--password-file");
        clearPassword.set(file, "--password");
        clearPassword.set(file + 1, PASSWORD);
        assertThat(failingRun(clearPassword, Map.of("sqoop.metastore.client.record.password", "true")))
                .contains("carries its database password in clear");
        assertThat(zk.curator().checkExists().forPath("/sqoop/jobs/orders_pw")).isNull();

        String unreachable = "zk://127.0.0.1:" + FreePorts.next() + "/sqoop";
        assertThat(failingRun(List.of("job", "--meta-connect", unreachable, "--list"), Map.of("zk.connection.timeout", "2s")))
                .contains("Could not open the Sqoop job storage at " + unreachable)
                .contains("Could not connect to ZooKeeper at " + unreachable.substring(5, unreachable.length() - 6));
    }
}
