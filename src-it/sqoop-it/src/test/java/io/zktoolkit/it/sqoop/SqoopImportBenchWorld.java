package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ParentWatch;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import io.zktoolkit.sync.sqoop.ImportOutcome;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The benchmark's Sqoop world, in its own JVM because the benchmarks' class path must hold no
 * Hadoop or Sqoop: PostgreSQL, an embedded ZooKeeper and two tables, set up once. Then one line
 * on standard input per trial: {@code toolkit} or {@code baseline} inserts {@value #ROWS} fresh
 * rows into that side's table (not timed) and runs one incremental append import of them (timed):
 * the toolkit's {@link CheckpointedImport} against plain Sqoop with {@code --last-value} kept in
 * memory. Replies {@code TRIAL <ms>} or {@code TRIAL-FAILED <why>}; prints {@code READY} once set up.
 */
public final class SqoopImportBenchWorld {
    static final int ROWS = 100;

    private SqoopImportBenchWorld() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.haltWhenParentExits();
        Path work = Files.createTempDirectory("zktoolkit-bench-sqoop");
        String password = "Bench-" + UUID.randomUUID();
        try (SourceDatabase db = SourceDatabase.start(work.resolve("postgres"), 1, password);
             ToolkitClient zk = ToolkitClient.open(ToolkitSettings.defaults())) {
            Path passwordFile = work.resolve("password");
            Files.writeString(passwordFile, password);
            IncrementalImports.Source source = new IncrementalImports.Source(db.jdbcUrl(), passwordFile, zk.connectString());
            IncrementalTable toolkitTable = IncrementalTable.create(db, "bench_toolkit");
            IncrementalTable baselineTable = IncrementalTable.create(db, "bench_baseline");
            CheckpointedImport toolkit = IncrementalImports.checkpointed(zk, source, toolkitTable.name(),
                    IncrementalMode.APPEND, "id", work.resolve("toolkit-target"), work.resolve("toolkit"), (phase, run) -> { });
            String baselineLastValue = null;
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                try {
                    long start;
                    switch (line.trim()) {
                        case "toolkit" -> {
                            toolkitTable.insert(ROWS);
                            start = System.nanoTime();
                            ImportOutcome outcome = toolkit.run();
                            reply(start, outcome.records());
                        }
                        case "baseline" -> {
                            baselineTable.insert(ROWS);
                            start = System.nanoTime();
                            IncrementalImports.PlainRun run = IncrementalImports.plainRun(source, baselineTable.name(),
                                    IncrementalMode.APPEND, "id", work.resolve("baseline-target"), work.resolve("baseline"),
                                    baselineLastValue);
                            if (run.rc() != 0) {
                                throw new IllegalStateException("plain Sqoop returned " + run.rc());
                            }
                            baselineLastValue = run.newLastValue();
                            reply(start, ROWS);
                        }
                        case "quit" -> {
                            return;
                        }
                        default -> System.out.println("TRIAL-FAILED unknown command '" + line + "': toolkit, baseline or quit");
                    }
                } catch (Exception e) {
                    System.out.println("TRIAL-FAILED " + e.toString().replace('\n', ' '));
                }
                System.out.flush();
            }
        }
    }

    private static void reply(long start, long records) {
        double ms = (System.nanoTime() - start) / 1e6;
        if (records != ROWS) {
            System.out.println("TRIAL-FAILED imported " + records + " records instead of " + ROWS);
        } else {
            System.out.println("TRIAL " + ms);
        }
    }
}
