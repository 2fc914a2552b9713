package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ParentWatch;
import io.zktoolkit.sync.sqoop.ImportOutcome;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.nio.file.Path;

/**
 * One incremental import in its own JVM, for tests that kill it with kill -9 or launch two at once.
 * Prints {@code PHASE <phase>} as the import goes; at the phase named {@code pauseAt} prints
 * {@code PAUSED <phase>} and waits to be killed. Ends with {@code RESULT ...} and exit code 0, or
 * {@code FAILED ...} and 1.
 *
 * <p>Arguments: {@code toolkit|plain zkConnect jdbcUrl passwordFile table mode column target work pauseAt
 * [lastValueFile [gateFile]]} ({@code plain}: Sqoop's own incremental import with the last value kept in
 * {@code lastValueFile}; its one phase is {@code SQOOP_RETURNED}, before the value is saved. It prints
 * {@code READ <value>} once it has read the last value and, given a {@code gateFile}, starts Sqoop only
 * once that file exists, so a test can line two launches up on the same read).
 */
public final class IncrementalImportChild {
    private IncrementalImportChild() {
    }

    public static void main(String[] a) throws Exception {
        ParentWatch.haltWhenParentExits();
        String side = a[0];
        IncrementalImports.Source source = new IncrementalImports.Source(a[2], Path.of(a[3]), a[1]);
        String table = a[4];
        IncrementalMode mode = IncrementalMode.of(a[5]);
        String column = a[6];
        Path target = Path.of(a[7]);
        Path work = Path.of(a[8]);
        String pauseAt = a[9];
        try {
            if (side.equals("plain")) {
                Path gate = a.length > 11 ? Path.of(a[11]) : null;
                int rc = IncrementalImports.plain(source, table, mode, column, target, work, Path.of(a[10]), read -> {
                    System.out.println("READ " + (read == null ? "none" : read));
                    System.out.flush();
                    awaitGate(gate);
                }, () -> reached("SQOOP_RETURNED", pauseAt));
                System.out.println("RESULT rc=" + rc);
                System.exit(rc == 0 ? 0 : 1);
            }
            try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, source.zkConnect()).build())) {
                ImportOutcome outcome = IncrementalImports.checkpointed(zk, source, table, mode, column, target, work,
                        (phase, runId) -> reached(phase.name(), pauseAt)).run();
                System.out.println("RESULT committed=" + outcome.committed() + " records=" + outcome.records()
                        + " lastValue=" + outcome.lastValue().orElse("") + " run=" + outcome.runId());
            }
        } catch (Exception e) {
            System.out.println("FAILED " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void awaitGate(Path gate) {
        while (gate != null && !java.nio.file.Files.exists(gate)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + gate, e);
            }
        }
    }

    private static void reached(String phase, String pauseAt) {
        System.out.println("PHASE " + phase);
        if (phase.equals(pauseAt)) {
            System.out.println("PAUSED " + phase);
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // Only kill -9 ends this wait.
                }
            }
        }
    }
}
