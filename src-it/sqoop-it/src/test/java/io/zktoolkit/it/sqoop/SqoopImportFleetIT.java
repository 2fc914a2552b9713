package io.zktoolkit.it.sqoop;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.sqoop.IncrementalTable.Version;
import io.zktoolkit.recovery.assignment.WorkFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of three Sqoop import workers, each its own JVM, against a 3-server process ensemble
 * and a real PostgreSQL: the leader spreads four tables over the workers; a worker is killed with
 * kill -9 in the middle of its import and the leader is killed too. Every table still lands
 * every row exactly once, and a second round after new rows imports only those, from the
 * checkpoints the first round left.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqoopImportFleetIT {
    private static final String PASSWORD = "Fleet-" + UUID.randomUUID();
    private static final List<String> TABLES = List.of("fleet_a", "fleet_b", "fleet_c", "fleet_d");
    private static final Duration SESSION = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    @Test
    void everyTableLandsEveryRowOnceThroughWorkerAndLeaderKills() throws Exception {
        Map<String, ChildJvm> workers = new LinkedHashMap<>();
        List<ChildJvm> all = new ArrayList<>();
        try (SourceDatabase db = SourceDatabase.start(dir.resolve("postgres"), 1, PASSWORD);
                ProcessEnsemble ensemble = ProcessEnsemble.start(3);
                ToolkitClient observer = ToolkitClient.open(ToolkitSettings.builder()
                        .set(ToolkitKeys.CONNECT, ensemble.connectString()).build())) {
            Path passwordFile = dir.resolve("password");
            Files.writeString(passwordFile, PASSWORD);
            List<IncrementalTable> tables = new ArrayList<>();
            for (String name : TABLES) {
                IncrementalTable table = IncrementalTable.create(db, name);
                table.insert(30);
                tables.add(table);
            }
            for (String id : List.of("w1", "w2", "w3")) {
                ChildJvm w = worker(ensemble, db, passwordFile, id);
                workers.put(id, w);
                all.add(w);
            }
            for (ChildJvm w : workers.values()) {
                w.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(90));
            }
            WorkFleet.submit(observer, SqoopFleetWorkerMain.FLEET, TABLES);

            String leader = awaitLine(workers, "LEADER");
            String victim = awaitLine(workers, "STARTED", leader);
            Thread.sleep(1_500);
            workers.get(victim).kill9();
            workers.get(leader).kill9();
            ChildJvm back = worker(ensemble, db, passwordFile, victim);
            all.add(back);
            workers.put(victim, back);
            awaitDone(observer, TABLES.size(), all);

            for (IncrementalTable table : tables) {
                table.insert(10);
            }
            List<String> round2 = TABLES.stream().map(t -> t + ".r2").toList();
            WorkFleet.submit(observer, SqoopFleetWorkerMain.FLEET, round2);
            awaitDone(observer, TABLES.size() * 2, all);

            SoftAssertions soft = new SoftAssertions();
            for (String table : TABLES) {
                List<Long> ids = IncrementalImports.landed(dir.resolve("target").resolve(table)).stream()
                        .map(Version::id).sorted().toList();
                soft.assertThat(ids).as(table + ": every row exactly once").isEqualTo(LongStream.rangeClosed(1, 40).boxed().toList());
            }
            List<String> completions = all.stream().flatMap(w -> w.lines().stream()).filter(l -> l.startsWith("COMPLETED")).toList();
            for (String task : round2) {
                soft.assertThat(completions).as("round 2 resumed " + task + " from its checkpoint")
                        .anyMatch(l -> l.startsWith("COMPLETED " + task + " imported 10 records, checkpoint 40"));
            }
            soft.assertAll();
            System.out.println("Killed worker " + victim + " mid-import and leader " + leader + "; completions:");
            completions.forEach(l -> System.out.println("  " + l));
        } finally {
            all.forEach(ChildJvm::close);
        }
    }

    private ChildJvm worker(ProcessEnsemble ensemble, SourceDatabase db, Path passwordFile, String id) {
        return ChildJvm.builder(SqoopFleetWorkerMain.class.getName())
                .name("sqoop-" + id)
                .jvmOption("-Xmx512m")
                .jvmOption("-XX:TieredStopAtLevel=1")
                .args(ensemble.connectString(), id, Long.toString(SESSION.toMillis()), db.jdbcUrl(), passwordFile.toString(),
                        dir.resolve("target").toString(), dir.resolve("work-" + id + "-" + UUID.randomUUID()).toString())
                .start();
    }

    /** The first worker (other than {@code except}) that printed a line starting with {@code prefix}. */
    private static String awaitLine(Map<String, ChildJvm> workers, String prefix, String... except) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, ChildJvm> w : workers.entrySet()) {
                if (!List.of(except).contains(w.getKey()) && w.getValue().lines().stream().anyMatch(l -> l.startsWith(prefix))) {
                    return w.getKey();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + prefix + " line within 90 s");
    }

    private static void awaitDone(ToolkitClient observer, int tasks, List<ChildJvm> all) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (observer.curator().getChildren().forPath("/fleets/" + SqoopFleetWorkerMain.FLEET + "/done").size() < tasks) {
            if (System.nanoTime() > deadline) {
                StringBuilder out = new StringBuilder("tasks not done within 150 s\n");
                all.forEach(w -> out.append("--- ").append(w.name()).append('\n').append(w.recentOutput()).append('\n'));
                throw new AssertionError(out);
            }
            Thread.sleep(200);
        }
    }
}
