package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.examples.pipeline.LandedRows;
import io.zktoolkit.examples.pipeline.SourceDatabaseProcess;
import io.zktoolkit.locks.sqoop.GuardedImport;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zktoolkit sqoop-import} as a user runs it: one launcher run per import, Sqoop 1.4.7 in a
 * child JVM of the Sqoop world, a real PostgreSQL (its own child JVM) and a real 3-server
 * ZooKeeper quorum holding the checkpoint. A second run imports only the rows added since the
 * first; bad input is named and exits with the documented code before Sqoop runs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SqoopImportCommandTest {
    private static final int ROWS = 50;

    @TempDir
    static Path shared;
    private static QuorumClients zk;
    private static SourceDatabaseProcess db;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        zk = new QuorumClients();
        db = SourceDatabaseProcess.start(shared.resolve("db"), ROWS, List.of("orders", "refunds", "returns"));
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void importsEveryRowThenOnlyTheNewOnesFromTheCheckpoint() throws Exception {
        Path target = dir.resolve("warehouse/orders");
        Path conf = importFile("orders", "zk.connect=" + zk.connectString() + "\n");

        LauncherRun first = run(conf);
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).containsSubsequence(
                "[import orders] connecting to " + db.jdbcUrl(),
                "[import orders] counted the source: 50 rows",
                "[import orders] no checkpoint yet: first import, every row",
                "[import orders] importing with Sqoop",
                "[import orders] verifying the output against the source",
                "[import orders] committed: checkpoint written",
                "Imported 50 rows of orders into " + target + "; checkpoint now 50.");
        assertThat(LandedRows.ids(target)).isEqualTo(ids(1, 50));

        assertThat(db.addRows("orders", 7)).containsExactly(51, 57);
        // Another job holds the table's guard as the second run starts: the run says whom it waits
        // for, then goes on once the holder lets go.
        LauncherRun second;
        try (ToolkitClient other = zk.open()) {
            SqoopImportGuard guard = SqoopImportGuard.forSource(other, db.jdbcUrl(), 4);
            CountDownLatch held = new CountDownLatch(1);
            CompletableFuture<Void> released = new CompletableFuture<>();
            // The lock is Curator's mutex, released only by the thread that took it: one thread does both.
            Thread holder = new Thread(() -> {
                try (GuardedImport slot = guard.acquire("orders", 1, Duration.ofSeconds(10))) {
                    held.countDown();
                    while (guard.tableLock("orders").map(l -> l.waiters().isEmpty()).orElse(true)) {
                        Thread.sleep(100);
                    }
                    Thread.sleep(2500); // past the run's first report of the wait
                } catch (Exception e) {
                    released.completeExceptionally(e);
                }
                released.complete(null);
            }, "guard-holder");
            holder.start();
            assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();
            second = run(conf);
            released.get(10, TimeUnit.SECONDS);
        }
        assertThat(second.code()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).containsSubsequence("[import orders] resuming after checkpoint=50",
                "[import orders] waiting for the table's guard: held by ", "[import orders] table guard held",
                "Imported 7 rows of orders into " + target + "; checkpoint now 57.");
        assertThat(LandedRows.ids(target)).as("every row exactly once").isEqualTo(ids(1, 57));

        LauncherRun third = run(conf);
        assertThat(third.code()).as(third.out() + third.err()).isZero();
        assertThat(third.out()).contains("Nothing new in orders: checkpoint stays at 57");
        assertThat(LandedRows.ids(target)).isEqualTo(ids(1, 57));
    }

    @Test
    void aLastModifiedImportWithTwoMappersTakesEveryRowAndATimestampCheckpoint() throws Exception {
        Path conf = importFile("returns", "zk.connect=" + zk.connectString() + "\n");
        Files.writeString(conf, Files.readString(conf).replace("sqoop.check-column=id", "sqoop.check-column=updated_at")
                .replace("sqoop.incremental=append", "sqoop.incremental=lastmodified")
                .replace("sqoop.num-mappers=1", "sqoop.num-mappers=2\nsqoop.split-by=id"));
        LauncherRun run = run(conf);
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        // Sqoop's lastmodified upper bound is the source's clock at the import: a timestamp of today.
        assertThat(run.out()).containsPattern("Imported 50 rows of returns into .*; checkpoint now \\d{4}-\\d\\d-\\d\\d \\d\\d:");
        assertThat(LandedRows.ids(dir.resolve("warehouse/returns"))).isEqualTo(ids(1, 50));
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.properties");
        LauncherRun run = LauncherRun.of("sqoop-import", "--config", missing.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(run.err()).contains(missing.toString(), "does not exist").doesNotContain("\tat ");
    }

    @Test
    void badKeysAreNamedWithWhatIsValidBeforeSqoopRuns() throws Exception {
        Path conf = importFile("orders", "zk.connect=" + zk.connectString() + "\nsqoop.tabel=orders\n");
        Files.writeString(conf, Files.readString(conf).replace("sqoop.incremental=append", "sqoop.incremental=sometimes")
                .replace("sqoop.num-mappers=1", "sqoop.num-mappers=many"));
        LauncherRun run = LauncherRun.of("sqoop-import", "--config", conf.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(run.err()).contains(conf.toString(),
                "sqoop.incremental: value 'sometimes' is not valid; expected append or lastmodified",
                "sqoop.num-mappers: value 'many' is not valid; expected a whole number from 1 to 256",
                "sqoop.tabel: unknown key; did you mean sqoop.table?");
        assertThat(run.out()).doesNotContain("importing");
        assertThat(dir.resolve("warehouse")).as("nothing written").doesNotExist();
    }

    @Test
    void anUnreachableEnsembleExitsWith4NamingTheConnectString() throws Exception {
        String nobody = "127.0.0.1:" + freePort();
        Path conf = importFile("orders", "zk.connect=" + nobody + "\nzk.connection.timeout=2s\n");
        LauncherRun run = LauncherRun.of("sqoop-import", "--config", conf.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.ZOOKEEPER_UNAVAILABLE);
        assertThat(run.err()).contains("Could not connect to ZooKeeper at " + nobody);
        assertThat(dir.resolve("warehouse")).doesNotExist();
    }

    @Test
    void aWrongPasswordFailsWithTheDriversReasonAndCommitsNothing() throws Exception {
        Path wrong = dir.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password");
        Path conf = importFile("refunds", "zk.connect=" + zk.connectString() + "\n");
        Files.writeString(conf, Files.readString(conf).replace(db.passwordFile().toString(), wrong.toString()));
        LauncherRun run = LauncherRun.of("sqoop-import", "--config", conf.toString());
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("the import of refunds failed, nothing was committed",
                "password authentication failed for user \"pipeline_reader\"");
        assertThat(LandedRows.ids(dir.resolve("warehouse/refunds"))).isEmpty();
    }

    private Path importFile(String table, String zkLines) throws IOException {
        Path file = dir.resolve(table + "-import.properties");
        Files.writeString(file, zkLines
                + "sqoop.connect=" + db.jdbcUrl() + "\n"
                + "sqoop.username=pipeline_reader\n"
                + "sqoop.password-file=" + db.passwordFile() + "\n"
                + "sqoop.table=" + table + "\n"
                + "sqoop.check-column=id\n"
                + "sqoop.incremental=append\n"
                + "sqoop.target-dir=warehouse/" + table + "\n"
                + "sqoop.num-mappers=1\n"
                + "sqoop.work-dir=work\n");
        return file;
    }

    private static LauncherRun run(Path conf) {
        return LauncherRun.of("sqoop-import", "--config", conf.toString());
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
