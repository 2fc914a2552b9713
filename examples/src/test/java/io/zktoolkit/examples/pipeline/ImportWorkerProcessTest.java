package io.zktoolkit.examples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.recovery.assignment.FleetInspector;
import io.zktoolkit.recovery.assignment.WorkFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's pieces as the demo uses them: a source database and two Sqoop import workers, each
 * its own JVM of the Sqoop world, against a real 3-server quorum. A worker killed mid-import and a
 * configuration publish the workers cannot use still end with every row landed once. (The demo's own
 * test, PipelineDemoTest, covers a publish taken up mid-run and a second round from the checkpoints.)
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImportWorkerProcessTest {
    private static final List<String> TABLES = List.of("orders", "payments", "shipments");
    private static final String FLEET = "pipeline-imports";
    private static final String CONFIG_SET = "pipeline/imports";

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidImportAndABadPublishStillLandEveryRowOnce() throws Exception {
        List<String> tables = List.of("orders", "payments");
        List<ImportWorkerProcess> workers = new ArrayList<>();
        try (QuorumClients quorum = new QuorumClients();
                SourceDatabaseProcess db = SourceDatabaseProcess.start(dir.resolve("db"), 20, tables)) {
          try {
            ToolkitClient zk = quorum.open();
            ConfigStore store = ConfigStore.builder(zk).author("test").build();
            // The demo's throttle: each import holds its table's guard 3 s before Sqoop starts.
            store.publish(ConfigUpdate.on(store.read(CONFIG_SET)).set("import.delay", "3s"));
            Path properties = dir.resolve("worker.properties");
            Files.writeString(properties, "zk.connect=" + quorum.connectString() + "\nzk.session.timeout=4s\n"
                    + "pipeline.jdbc-url=" + db.jdbcUrl() + "\npipeline.password-file=" + db.passwordFile() + "\n");
            for (String id : List.of("w1", "w2")) {
                workers.add(ImportWorkerProcess.start(properties, id, FLEET, CONFIG_SET, dir.resolve("target"),
                        dir.resolve("work-" + id), dir.resolve(id + ".log")));
            }
            WorkFleet.submit(zk, FLEET, tables);
            ImportWorkerProcess victim = awaitFirst(workers, l -> l.startsWith("STARTED "));
            Thread.sleep(1_000);
            victim.kill9();
            ImportWorkerProcess survivor = workers.stream().filter(w -> w != victim).findFirst().orElseThrow();
            awaitDone(zk, 2, List.of(survivor));
            for (String table : tables) {
                assertThat(LandedRows.ids(dir.resolve("target").resolve(table))).as(table + " after a kill -9 mid-import")
                        .isEqualTo(LongStream.rangeClosed(1, 20).boxed().toList());
            }
            assertThat(survivor.lines()).as("the survivor took over the victim's table")
                    .filteredOn(l -> l.startsWith("COMPLETED ")).hasSize(2);

            // A bad value fails the next task with the key named; publishing a fix lets its retry complete.
            store.publish(ConfigUpdate.on(store.read(CONFIG_SET)).set("import.mappers", "lots"));
            survivor.awaitLine(l -> l.startsWith("CONFIG 2 invalid: ") && l.contains("import.mappers"), Duration.ofSeconds(30));
            db.addRows("orders", 5);
            WorkFleet.submit(zk, FLEET, List.of("orders.r2"));
            String failed = survivor.awaitLine(l -> l.startsWith("FAILED orders.r2 "), Duration.ofSeconds(60));
            assertThat(failed).contains("import.mappers", "lots");
            store.publish(ConfigUpdate.on(store.read(CONFIG_SET)).set("import.mappers", "2").set("import.delay", "0s"));
            awaitDone(zk, 3, List.of(survivor));
            assertThat(survivor.lines()).anyMatch(l -> l.startsWith("COMPLETED orders.r2 imported 5 records, checkpoint 25"));
            assertThat(LandedRows.ids(dir.resolve("target/orders"))).isEqualTo(LongStream.rangeClosed(1, 25).boxed().toList());
          } finally {
            workers.forEach(ImportWorkerProcess::close);
          }
        }
    }

    private static ImportWorkerProcess awaitFirst(List<ImportWorkerProcess> workers, java.util.function.Predicate<String> line)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            for (ImportWorkerProcess w : workers) {
                if (w.lines().stream().anyMatch(line)) {
                    return w;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no worker printed the line within 90 s");
    }

    private static void awaitDone(ToolkitClient zk, int tasks, List<ImportWorkerProcess> workers) throws Exception {
        FleetInspector inspector = new FleetInspector(zk);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (inspector.read(FLEET).completions().size() < tasks) {
            if (System.nanoTime() > deadline) {
                StringBuilder out = new StringBuilder(tasks + " tasks not done within 150 s\n");
                workers.forEach(w -> out.append("--- ").append(w).append('\n')
                        .append(String.join("\n", w.lines().subList(Math.max(0, w.lines().size() - 30), w.lines().size())))
                        .append('\n'));
                throw new AssertionError(out);
            }
            Thread.sleep(200);
        }
    }

    private static List<Path> visibleFiles(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("_") && !f.getFileName().toString().startsWith("."))
                    .toList();
        }
    }
}
