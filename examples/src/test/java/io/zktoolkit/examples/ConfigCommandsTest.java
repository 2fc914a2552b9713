package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.testing.QuorumClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code config} commands run as a user runs them: one launcher run per command, each with
 * its own ZooKeeper session. On embedded defaults with a data folder, what one run publishes the
 * next reads; against a real 3-server quorum, a watcher sees another run's publish.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigCommandsTest {
    @TempDir
    Path dir;



    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private Path embeddedSettings() throws Exception {
        return file("zk.properties", "zk.connect=embedded\nzk.embedded.data.dir=" + dir.resolve("zk") + "\n");
    }

    @Test
    void publishGetDiffHistoryRollbackAcrossLauncherRunsOnEmbeddedDefaults() throws Exception {
        String conf = embeddedSettings().toString();
        Path v1 = file("v1.properties", "batch.size=100\nsource.url=jdbc:postgresql://db/orders\n");
        Path v2 = file("v2.properties", "batch.size=500\nsource.url=jdbc:postgresql://db/orders\nretries=3\n");

        LauncherRun published = LauncherRun.of("config", "publish", "jobs/orders", v1.toString(), "--config", conf);
        assertThat(published.code()).as(published.err()).isZero();
        assertThat(published.out()).contains("Published jobs/orders version 1", "2 keys");

        LauncherRun get = LauncherRun.of("config", "get", "jobs/orders", "--config", conf);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).contains("jobs/orders version 1", "batch.size=100", "source.url=jdbc:postgresql://db/orders");
        assertThat(LauncherRun.of("config", "get", "jobs/orders", "batch.size", "--config", conf).out().trim()).isEqualTo("100");

        LauncherRun again = LauncherRun.of("config", "publish", "jobs/orders", v2.toString(), "--config", conf);
        assertThat(again.code()).as("an existing set is replaced only with --replace").isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("jobs/orders").doesNotContain("\tat ");

        LauncherRun diff = LauncherRun.of("config", "diff", "jobs/orders", v2.toString(), "--config", conf);
        assertThat(diff.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(diff.out()).contains("~ batch.size: 100 -> 500", "+ retries=3", "2 differences");

        assertThat(LauncherRun.of("config", "publish", "jobs/orders", v2.toString(), "--replace", "--config", conf).code()).isZero();
        LauncherRun history = LauncherRun.of("config", "history", "jobs/orders", "--config", conf);
        assertThat(history.out()).containsSubsequence("v2", "changed: batch.size, retries", "v1");

        LauncherRun rollback = LauncherRun.of("config", "rollback", "jobs/orders", "1", "--config", conf);
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("back to the content of v1 as v3", "batch.size, retries");
        assertThat(LauncherRun.of("config", "get", "jobs/orders", "batch.size", "--config", conf).out().trim()).isEqualTo("100");
        LauncherRun same = LauncherRun.of("config", "diff", "jobs/orders", "--versions", "1", "3", "--config", conf);
        assertThat(same.code()).as(same.out()).isZero();
        assertThat(same.out()).contains("0 differences");

        LauncherRun stale = LauncherRun.of("config", "rollback", "jobs/orders", "2", "--expect", "2", "--config", conf);
        assertThat(stale.code()).as("compare-and-set against a version that is no longer current").isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void badInputIsNamedAndChangesNothing() throws Exception {
        String conf = embeddedSettings().toString();
        LauncherRun missingSet = LauncherRun.of("config", "get", "jobs/none", "--config", conf);
        assertThat(missingSet.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(missingSet.err()).contains("Configuration set jobs/none does not exist", "config publish jobs/none");

        Path missingFile = dir.resolve("nope.properties");
        LauncherRun noFile = LauncherRun.of("config", "publish", "jobs/a", missingFile.toString(), "--config", conf);
        assertThat(noFile.code()).isNotZero();
        assertThat(noFile.err()).contains(missingFile.toString()).doesNotContain("\tat ");

        LauncherRun badName = LauncherRun.of("config", "publish", "../etc", file("a.properties", "k=v\n").toString(), "--config", conf);
        assertThat(badName.code()).isNotZero();
        assertThat(badName.err()).contains("../etc");
        assertThat(LauncherRun.of("config", "get", "jobs/a", "--config", conf).code()).as("nothing was written").isEqualTo(ExitCodes.FAILED);

        assertThat(LauncherRun.of("config", "publish", "jobs/a", file("b.properties", "k=v\n").toString(), "--config", conf).code()).isZero();
        LauncherRun noKey = LauncherRun.of("config", "get", "jobs/a", "x", "--config", conf);
        assertThat(noKey.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(noKey.err()).contains("has no key 'x'", "its keys: k");
        LauncherRun notKept = LauncherRun.of("config", "rollback", "jobs/a", "9", "--config", conf);
        assertThat(notKept.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(notKept.err()).contains("Version 9", "is not kept");

        LauncherRun both = LauncherRun.of("config", "diff", "jobs/a", "x.properties", "--versions", "1", "2", "--config", conf);
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("give either FILE or --versions A B");
        LauncherRun none = LauncherRun.of("config");
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("a config command is required");
        LauncherRun badSettings = LauncherRun.of("config", "get", "jobs/a", "--config", file("bad.properties", "zk.conect=x\n").toString());
        assertThat(badSettings.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(badSettings.err()).contains("zk.conect");
    }

    @Test
    void aWatcherSeesAnotherRunsPublishWithSecretsMasked() throws Exception {
        try (QuorumClients zk = new QuorumClients()) {
            String conf = file("quorum.properties", "zk.connect=" + zk.connectString() + "\n").toString();
            assertThat(LauncherRun.of("config", "publish", "jobs/w", file("w1.properties", "a=1\n").toString(), "--config", conf).code()).isZero();
            CompletableFuture<LauncherRun> watching = CompletableFuture.supplyAsync(
                    () -> LauncherRun.of("config", "watch", "jobs/w", "--changes", "1", "--for", "60s", "--config", conf));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // The watcher starts from the current version; publish until it has seen one new one.
            int published = 1;
            while (!watching.isDone() && System.nanoTime() < deadline) {
                published++;
                LauncherRun.of("config", "publish", "jobs/w", file("w.properties", "a=" + published + "\n").toString(), "--replace",
                        "--config", conf);
                Thread.sleep(500);
            }
            LauncherRun watch = watching.get(30, TimeUnit.SECONDS);
            assertThat(watch.code()).as(watch.err()).isZero();
            assertThat(watch.out()).contains("Watching jobs/w from v").containsPattern("v\\d+ by .*: a=\\d+");
        }
    }
}
