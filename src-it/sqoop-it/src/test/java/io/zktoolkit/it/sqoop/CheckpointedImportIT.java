package io.zktoolkit.it.sqoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.SessionExpiry;
import io.zktoolkit.it.sqoop.IncrementalImports.Source;
import io.zktoolkit.it.sqoop.IncrementalTable.Version;
import io.zktoolkit.sync.checkpoint.CheckpointRejectedException;
import io.zktoolkit.sync.checkpoint.CheckpointSnapshot;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import io.zktoolkit.sync.sqoop.ImportOutcome;
import io.zktoolkit.sync.sqoop.ImportPhase;
import io.zktoolkit.sync.sqoop.ImportPhaseListener;
import io.zktoolkit.sync.sqoop.IncrementalImportException;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Incremental Sqoop imports from a real PostgreSQL whose last value lives in the toolkit's
 * checkpoint store (a real embedded ZooKeeper): rounds of inserts and updates, two launches at
 * once, kill -9 of the importing JVM at three points, a holder whose session expired, Sqoop's own
 * failures; and, where it shows the point, the same with plain Sqoop going wrong.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CheckpointedImportIT {
    private static final String PASSWORD = "Incremental-" + UUID.randomUUID();
    private static final ImportPhaseListener NO_LISTENER = (phase, runId) -> { };

    @TempDir
    static Path shared;
    private static SourceDatabase db;
    private static ToolkitClient zk;
    private static Source source;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        db = SourceDatabase.start(shared.resolve("postgres"), 10, PASSWORD);
        zk = ToolkitClient.open(ToolkitSettings.defaults());
        Path passwordFile = shared.resolve("password");
        Files.writeString(passwordFile, PASSWORD);
        source = new Source(db.jdbcUrl(), passwordFile, zk.connectString());
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

    private CheckpointedImport toolkitImport(ToolkitClient client, String table, IncrementalMode mode, String column,
            ImportPhaseListener listener) {
        return IncrementalImports.checkpointed(client, source, table, mode, column, target(), work.resolve("sqoop"), listener);
    }

    private Path target() {
        return work.resolve("target");
    }

    private static List<Long> ids(List<Version> versions) {
        return versions.stream().map(Version::id).sorted().toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void appendRoundsLandEveryRowOnceAndTheCheckpointIsTheMaximum() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "append_rounds");
        CheckpointedImport orders = toolkitImport(zk, table.name(), IncrementalMode.APPEND, "id", NO_LISTENER);

        table.insert(50);
        ImportOutcome first = orders.run();
        table.insert(30);
        ImportOutcome second = orders.run();
        ImportOutcome nothingNew = orders.run();
        table.insert(20);
        ImportOutcome third = orders.run();

        assertThat(List.of(first.records(), second.records(), nothingNew.records(), third.records()))
                .containsExactly(50L, 30L, 0L, 20L);
        assertThat(nothingNew.committed()).isFalse();
        assertThat(second.previousLastValue()).contains("50");
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 100));
        CheckpointSnapshot checkpoint = orders.checkpoint().read();
        assertThat(checkpoint.value()).contains("100");
        assertThat(checkpoint.current().orElseThrow().runId()).isEqualTo(third.runId());
        assertThat(Files.list(target().resolve("_pending")).toList()).as("nothing left pending").isEmpty();
    }

    @Test
    void lastModifiedRoundsLandEveryRowVersionOnce() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "changed_rows");
        CheckpointedImport changes = toolkitImport(zk, table.name(), IncrementalMode.LASTMODIFIED, "updated_at", NO_LISTENER);
        Set<Version> written = new HashSet<>();

        table.insert(40);
        written.addAll(table.versions());
        ImportOutcome first = changes.run();
        table.touchEvery(4);
        table.insert(10);
        written.addAll(table.versions());
        ImportOutcome second = changes.run();
        table.touchEvery(5);
        written.addAll(table.versions());
        ImportOutcome third = changes.run();

        assertThat(List.of(first.records(), second.records(), third.records())).containsExactly(40L, 20L, 10L);
        List<Version> landed = IncrementalImports.landed(target());
        assertThat(landed).as("no row version twice").doesNotHaveDuplicates();
        assertThat(new HashSet<>(landed)).isEqualTo(written);
        String last = changes.checkpoint().read().value().orElseThrow();
        assertThat(last).isEqualTo(third.lastValue().orElseThrow());
        Timestamp newest = table.versions().stream().map(Version::updatedAt).max(Timestamp::compareTo).orElseThrow();
        assertThat(Timestamp.valueOf(last)).as("the checkpoint is the database's time of the last run").isAfter(newest);
    }

    @Test
    void aRowCommittedLateInsideTheRangeFailsTheOutputCheckAndTheRerunLandsIt() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "late_rows");
        table.insert(20);
        toolkitImport(zk, table.name(), IncrementalMode.APPEND, "id", NO_LISTENER).run();
        table.insert(5);
        table.skip(1);
        table.insert(4);
        // Sqoop read MAX(id) = 30 and imported; row 26 commits now, like a transaction that began earlier.
        CheckpointedImport withLateRow = toolkitImport(zk, table.name(), IncrementalMode.APPEND, "id", (phase, runId) -> {
            if (phase == ImportPhase.SQOOP_RETURNED) {
                insertQuietly(table, 26);
            }
        });

        assertThatThrownBy(withLateRow::run)
                .isInstanceOf(IncrementalImportException.class)
                .hasMessageContaining("output holds 9 records while the source holds 10 rows with id in (20, 30]")
                .hasMessageContaining("stays at 20")
                .extracting(e -> ((IncrementalImportException) e).reason())
                .isEqualTo(IncrementalImportException.Reason.OUTPUT_MISMATCH);
        assertThat(withLateRow.checkpoint().read().value()).contains("20");
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 20));

        ImportOutcome rerun = toolkitImport(zk, table.name(), IncrementalMode.APPEND, "id", NO_LISTENER).run();
        assertThat(rerun.records()).isEqualTo(10);
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 30));

        // Plain Sqoop on the same history loses the late row for good: its last value moved past it.
        IncrementalTable plainTable = IncrementalTable.create(db, "late_rows_plain");
        Path plainTarget = work.resolve("plain-target");
        Path lastValue = work.resolve("plain-last-value");
        plainTable.insert(20);
        IncrementalImports.plain(source, plainTable.name(), IncrementalMode.APPEND, "id", plainTarget, work.resolve("plain"),
                lastValue, () -> { });
        plainTable.insert(5);
        plainTable.skip(1);
        plainTable.insert(4);
        IncrementalImports.plain(source, plainTable.name(), IncrementalMode.APPEND, "id", plainTarget, work.resolve("plain"),
                lastValue, () -> insertQuietly(plainTable, 26));
        IncrementalImports.plain(source, plainTable.name(), IncrementalMode.APPEND, "id", plainTarget, work.resolve("plain"),
                lastValue, () -> { });
        assertThat(ids(IncrementalImports.landed(plainTarget))).doesNotContain(26L).hasSize(29);
    }

    @Test
    void aFailedMapperLeavesTheCheckpointWhereItWasThoughSqoopHadMovedItsOwn() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "poisoned");
        table.insert(30);
        toolkitImport(zk, table.gatedView(), IncrementalMode.APPEND, "id", NO_LISTENER).run();
        table.insert(10);
        table.poison(35);
        CheckpointedImport poisoned = toolkitImport(zk, table.gatedView(), IncrementalMode.APPEND, "id", NO_LISTENER);

        assertThatThrownBy(poisoned::run)
                .isInstanceOf(IncrementalImportException.class)
                .hasMessageContaining("Sqoop returned 1")
                .hasMessageContaining("Sqoop had moved its own last value to 40 before the job")
                .hasMessageContaining("stays at 30");
        assertThat(poisoned.checkpoint().read().value()).contains("30");
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 30));

        table.openGate();
        assertThat(poisoned.run().records()).isEqualTo(10);
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 40));
        assertThat(poisoned.checkpoint().read().value()).contains("40");
    }

    @Test
    void aHolderWhoseSessionExpiredCannotMoveTheCheckpointAfterTheNextHolderDid() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "expired_holder");
        table.insert(25);
        try (ToolkitClient clientA = ownClient(); ToolkitClient clientB = ownClient()) {
            CheckpointedImport importB = toolkitImport(clientB, table.name(), IncrementalMode.APPEND, "id", NO_LISTENER);
            List<String> runs = new ArrayList<>();
            List<ImportOutcome> outcomesB = new ArrayList<>();
            CheckpointedImport importA = toolkitImport(clientA, table.name(), IncrementalMode.APPEND, "id", (phase, runId) -> {
                if (phase == ImportPhase.SQOOP_STARTED) {
                    runs.add(runId);
                }
                if (phase == ImportPhase.OUTPUT_CHECKED) {
                    // A pauses past its session here; B takes the table and imports the same rows.
                    try {
                        SessionExpiry.expire(clientA.curator().getZookeeperClient().getZooKeeper(), zk.connectString());
                        outcomesB.add(CompletableFuture.supplyAsync(importB::run).get(120, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });

            assertThatThrownBy(importA::run)
                    .isInstanceOf(CheckpointRejectedException.class)
                    .hasMessageContaining("Nothing was written")
                    .satisfies(e -> assertThat(((CheckpointRejectedException) e).reason())
                            .isIn(CheckpointRejectedException.Reason.LEASE_LOST, CheckpointRejectedException.Reason.STALE_TOKEN,
                                    CheckpointRejectedException.Reason.CONFLICT));
            ImportOutcome b = outcomesB.get(0);
            assertThat(b.records()).isEqualTo(25);
            CheckpointSnapshot checkpoint = importA.checkpoint().read();
            assertThat(checkpoint.value()).contains("25");
            assertThat(checkpoint.current().orElseThrow().runId()).isEqualTo(b.runId());
            assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 25));
            assertThat(importA.pendingDir(runs.get(0)).toUri().getPath()).satisfies(p -> assertThat(Path.of(p)).doesNotExist());
        }
    }

    private static ToolkitClient ownClient() {
        return ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, zk.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(5)).build());
    }

    @Test
    void twoLaunchesAtTheSameMomentLandEachRowOnceWherePlainSqoopImportsItTwice() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "twin_launch");
        table.insert(40);
        Path gate = work.resolve("plain-gate");
        List<ChildJvm> toolkit = List.of(child("toolkit", table.name(), "a", "none"), child("toolkit", table.name(), "b", "none"));
        List<ChildJvm> plain = List.of(child("plain", table.name(), "c", "none", gate),
                child("plain", table.name(), "d", "none", gate));
        try {
            // "At the same moment" for plain Sqoop means both read the saved last value before either
            // saves one; on 2 loaded cores JVM start-up alone can skew them apart, so line them up.
            for (ChildJvm c : plain) {
                assertThat(c.awaitLine(l -> l.startsWith("READ"), Duration.ofSeconds(120)))
                        .as(c.recentOutput()).isEqualTo("READ none");
            }
            Files.createFile(gate);
            List<String> results = new ArrayList<>();
            for (ChildJvm c : toolkit) {
                results.add(c.awaitLine(l -> l.startsWith("RESULT") || l.startsWith("FAILED"), Duration.ofSeconds(180)));
                assertThat(c.waitForExit(Duration.ofSeconds(30))).as(c.recentOutput()).isZero();
            }
            for (ChildJvm c : plain) {
                assertThat(c.waitForExit(Duration.ofSeconds(180))).as(c.recentOutput()).isZero();
            }
            assertThat(results).as("one launch imports everything, the other finds nothing new")
                    .anyMatch(r -> r.contains("committed=true records=40"))
                    .anyMatch(r -> r.contains("committed=false records=0"));
        } finally {
            toolkit.forEach(ChildJvm::close);
            plain.forEach(ChildJvm::close);
        }
        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 40));
        Map<Long, Long> plainCopies = IncrementalImports.landed(work.resolve("plain-target")).stream()
                .collect(Collectors.groupingBy(Version::id, Collectors.counting()));
        // Both plain launches imported all 40 rows. Sqoop's append numbers the moved part files from a
        // listing of the target, so two launches finishing together can pick the same name and one
        // silently replaces the other's file: the target then shows one copy, itself a lost import.
        assertThat(plainCopies.keySet()).as("plain Sqoop").isEqualTo(new HashSet<>(range(1, 40)));
        assertThat(plainCopies.values()).as("plain Sqoop, both launches read the same last value")
                .allMatch(copies -> copies == 2L || copies == 1L);
    }

    /** The three kill points of the importing JVM. */
    enum KillPoint {
        /** A mapper is reading rows: held in the source at row 35. */
        DURING_JOB,
        /** Sqoop returned 0 and moved its last value; nothing checked or written yet. */
        AFTER_JOB,
        /** The checkpoint names the run; its files are still pending. */
        AFTER_CHECKPOINT
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void killNineOfTheImportingJvmThenARerunLandsEveryRowOnce(KillPoint point) throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "killed_" + point.name().toLowerCase());
        table.insert(20);
        CheckpointedImport rerun = toolkitImport(zk, table.gatedView(), IncrementalMode.APPEND, "id", NO_LISTENER);
        rerun.run();
        table.insert(20);
        String pauseAt = switch (point) {
            case DURING_JOB -> "none";
            case AFTER_JOB -> ImportPhase.SQOOP_RETURNED.name();
            case AFTER_CHECKPOINT -> ImportPhase.CHECKPOINT_WRITTEN.name();
        };
        if (point == KillPoint.DURING_JOB) {
            table.holdAt(35, Duration.ofSeconds(120));
        }
        try (ChildJvm importer = child("toolkit", table.gatedView(), "killed", pauseAt)) {
            if (point == KillPoint.DURING_JOB) {
                importer.awaitLine(l -> l.equals("PHASE SQOOP_STARTED"), Duration.ofSeconds(120));
                awaitHeld(table, importer);
            } else {
                importer.awaitLine(l -> l.equals("PAUSED " + pauseAt), Duration.ofSeconds(120));
            }
            assertThat(importer.kill9()).isEqualTo(137);
        } finally {
            table.openGate();
        }
        String checkpointAfterKill = point == KillPoint.AFTER_CHECKPOINT ? "40" : "20";
        assertThat(rerun.checkpoint().read().value()).contains(checkpointAfterKill);
        assertThat(ids(IncrementalImports.landed(target()))).as("published before the rerun").isEqualTo(range(1, 20));

        ImportOutcome outcome = rerun.run();

        assertThat(ids(IncrementalImports.landed(target()))).isEqualTo(range(1, 40));
        assertThat(rerun.checkpoint().read().value()).contains("40");
        if (point == KillPoint.AFTER_CHECKPOINT) {
            assertThat(outcome.recovered()).as("the killed run's committed output, published by the rerun").hasSize(1);
            assertThat(outcome.committed()).isFalse();
        } else {
            assertThat(outcome.records()).isEqualTo(20);
            if (point == KillPoint.AFTER_JOB) {
                assertThat(outcome.discarded()).as("the killed run's uncommitted output, deleted by the rerun").hasSize(1);
            }
        }
    }

    @Test
    void withoutTheToolkitAKillAfterTheJobImportsTheRangeTwice() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "killed_plain");
        Path lastValue = work.resolve("plain-last-value");
        Path plainTarget = work.resolve("plain-target");
        table.insert(20);
        IncrementalImports.plain(source, table.name(), IncrementalMode.APPEND, "id", plainTarget, work.resolve("plain"),
                lastValue, () -> { });
        table.insert(20);
        try (ChildJvm importer = child("plain", table.name(), "killed", ImportPhase.SQOOP_RETURNED.name())) {
            importer.awaitLine(l -> l.equals("PAUSED SQOOP_RETURNED"), Duration.ofSeconds(120));
            importer.kill9();
        }
        IncrementalImports.plain(source, table.name(), IncrementalMode.APPEND, "id", plainTarget, work.resolve("plain"),
                lastValue, () -> { });

        Map<Long, Long> copies = IncrementalImports.landed(plainTarget).stream()
                .collect(Collectors.groupingBy(Version::id, Collectors.counting()));
        assertThat(copies.entrySet().stream().filter(e -> e.getValue() == 2).map(Map.Entry::getKey).sorted().toList())
                .as("rows landed twice").isEqualTo(range(21, 40));
    }

    @Test
    void badInputIsRefusedNamingWhatIsWrong() throws Exception {
        IncrementalTable table = IncrementalTable.create(db, "bad_input");
        assertThatThrownBy(() -> IncrementalMode.of("upsert")).hasMessageContaining("Unknown incremental mode 'upsert'")
                .hasMessageContaining("append or lastmodified");
        Function<String, CheckpointedImport> withColumn = column ->
                toolkitImport(zk, table.name(), IncrementalMode.APPEND, column, NO_LISTENER);
        assertThatThrownBy(() -> withColumn.apply("no_such").run()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Check column 'no_such' is not a column of table bad_input")
                .hasMessageContaining("[id, name, updated_at]");
        assertThatThrownBy(() -> withColumn.apply("name").run())
                .hasMessageContaining("incremental mode append needs an integer or decimal column");
        assertThatThrownBy(() -> IncrementalImports.checkpointed(zk, source, table.name(), IncrementalMode.APPEND, " ",
                target(), work, NO_LISTENER)).hasMessageContaining("A check column is required");
        assertThatThrownBy(() -> io.zktoolkit.sync.sqoop.CheckpointedImport.builder(zk,
                        io.zktoolkit.locks.sqoop.SqoopImportGuard.forSource(zk, source.jdbcUrl(), 4))
                .sqoopArguments(IncrementalImports.arguments(source, table.name(), work))
                .mode(IncrementalMode.APPEND).checkColumn("id").targetDir(target().toString())
                .initialLastValue("yesterday").hadoopConfiguration(SqoopLocal.localHadoop(work)).build())
                .hasMessageContaining("Initial last value 'yesterday' is not a last value of incremental mode append");
        List<String> withTarget = new ArrayList<>(IncrementalImports.arguments(source, table.name(), work));
        withTarget.addAll(List.of("--target-dir", "/elsewhere", "--as-avrodatafile"));
        assertThatThrownBy(() -> io.zktoolkit.sync.sqoop.CheckpointedImport.builder(zk,
                        io.zktoolkit.locks.sqoop.SqoopImportGuard.forSource(zk, source.jdbcUrl(), 4))
                .sqoopArguments(withTarget).mode(IncrementalMode.APPEND).checkColumn("id")
                .targetDir(target().toString()).hadoopConfiguration(SqoopLocal.localHadoop(work)).build())
                .hasMessageContaining("--target-dir and --warehouse-dir are set by the import")
                .hasMessageContaining("the output check counts the records of text files");

        // An empty table is not an error: nothing to import, nothing committed.
        ImportOutcome empty = withColumn.apply("id").run();
        assertThat(empty.committed()).isFalse();
        assertThat(empty.records()).isZero();
        assertThat(withColumn.apply("id").checkpoint().read().value()).isEmpty();
    }

    private ChildJvm child(String side, String table, String name, String pauseAt) {
        return child(side, table, name, pauseAt, null);
    }

    private ChildJvm child(String side, String table, String name, String pauseAt, Path plainGate) {
        Path childWork = work.resolve("child-" + name);
        Path target = side.equals("plain") ? work.resolve("plain-target") : target();
        List<String> args = new ArrayList<>(List.of(side, zk.connectString(), source.jdbcUrl(),
                source.passwordFile().toString(), table, "append", "id",
                target.toString(), childWork.toString(), pauseAt));
        if (side.equals("plain")) {
            args.add(work.resolve("plain-last-value").toString());
            if (plainGate != null) {
                args.add(plainGate.toString());
            }
        }
        return ChildJvm.builder(IncrementalImportChild.class.getName())
                .name("import-" + name)
                .jvmOption("-Xmx512m")
                .jvmOption("-XX:TieredStopAtLevel=1")
                .args(args.toArray(String[]::new))
                .start();
    }

    private static void awaitHeld(IncrementalTable table, ChildJvm importer) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!table.mapperHeld()) {
            if (System.nanoTime() > deadline || !importer.isAlive()) {
                throw new AssertionError("no mapper held in the source\n" + importer.recentOutput());
            }
            Thread.sleep(50);
        }
    }

    private static void insertQuietly(IncrementalTable table, long id) {
        try {
            table.insertLate(id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
