package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, in a shorter configuration, run as a user runs it: real child JVMs
 * for PostgreSQL, the Sqoop workers, the Spark job, the Thrift Server and the hive-jdbc client, a
 * worker killed with kill -9 and a ZooKeeper server stopped mid-import. The report is checked, not
 * just the exit code.
 */
class PipelineDemoTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyRowLandsOnceThroughAWorkerKillAServerStopAndAConfigChange() throws Exception {
        LauncherRun r = LauncherRun.of("demo", "--tables", "orders,customers,payments", "--rows", "120", "--new-rows", "30",
                "--workers", "3", "--work-dir", dir.resolve("run").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        for (String table : new String[] {"orders", "customers", "payments"}) {
            // source 150 = 120 + 30, landed 150, distinct 150, missing 0, checkpoint 150
            assertThat(r.out()).containsPattern("(?m)^" + table + "\\s+150\\s+150\\s+150\\s+0\\s+150\\s+every row once$");
        }
        assertThat(r.out()).contains("killed with kill -9", "STOPPED server-", "restarted server-",
                "RESULT: every row imported exactly once, checkpoints right, work failed over.");
        // The killed worker's table completed elsewhere.
        Matcher killed = Pattern.compile("(worker-\\d) killed with kill -9 at \\S+ while importing (\\S+)").matcher(r.out());
        assertThat(killed.find()).as(r.out()).isTrue();
        Matcher movedTo = Pattern.compile(Pattern.quote(killed.group(2)) + " completed by (worker-\\d)").matcher(r.out());
        assertThat(movedTo.find()).as(r.out()).isTrue();
        assertThat(movedTo.group(1)).isNotEqualTo(killed.group(1));
        // The configuration raised mid-run reached a worker.
        assertThat(r.out()).containsPattern("worker-\\d picked up v2 \\(mappers=2");
        // Spark and Hive saw what the imports landed.
        assertThat(r.out()).containsPattern("(?m)^  orders: 150 rows, 0 duplicate ids");
        assertThat(r.out()).containsPattern("(?m)^  orders\\s+150 rows, 0 duplicate ids \\(read through the stock driver\\)");
        // Nothing is left running: no child JVM of this run survives the command.
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
        assertThat(Files.list(dir.resolve("run/workers/logs")).count()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void badArgumentsAndSettingsAreRefusedBeforeAnythingStarts() throws Exception {
        LauncherRun oneWorker = LauncherRun.of("demo", "--workers", "1", "--work-dir", dir.resolve("a").toString());
        assertThat(oneWorker.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(oneWorker.err()).contains("killing a worker needs another to take over");
        LauncherRun missing = LauncherRun.of("demo", "--pipeline", dir.resolve("nope.properties").toString());
        assertThat(missing.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(missing.err()).contains("nope.properties", "--pipeline", "no such file");
        Path single = Files.writeString(dir.resolve("single.properties"), "zk.embedded.servers=1\n");
        LauncherRun r = LauncherRun.of("demo", "--config", single.toString(), "--work-dir", dir.resolve("b").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains("zk.embedded.servers", "3 or 5");
        LauncherRun typo = LauncherRun.of("demo", "--config",
                Files.writeString(dir.resolve("typo.properties"), "zk.embeded.servers=3\n").toString());
        assertThat(typo.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(typo.err()).contains("zk.embeded.servers", "zk.embedded.servers");
    }
}
