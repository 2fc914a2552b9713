package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.testing.QuorumClients;
import java.io.PrintWriter;
import java.io.StringWriter;
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

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ZkToolkitLauncher.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

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

        Run published = run("config", "publish", "jobs/orders", v1.toString(), "--config", conf);
        assertThat(published.code()).as(published.err()).isZero();
        assertThat(published.out()).contains("Published jobs/orders version 1", "2 keys");

        Run get = run("config", "get", "jobs/orders", "--config", conf);
        assertThat(get.code()).as(get.err()).isZero();
        assertThat(get.out()).contains("jobs/orders version 1", "batch.size=100", "source.url=jdbc:postgresql://db/orders");
        assertThat(run("config", "get", "jobs/orders", "batch.size", "--config", conf).out().trim()).isEqualTo("100");

        Run again = run("config", "publish", "jobs/orders", v2.toString(), "--config", conf);
        assertThat(again.code()).as("an existing set is replaced only with --replace").isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("jobs/orders").doesNotContain("\tat ");

        Run diff = run("config", "diff", "jobs/orders", v2.toString(), "--config", conf);
        assertThat(diff.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(diff.out()).contains("~ batch.size: 100 -> 500", "+ retries=3", "2 differences");

        assertThat(run("config", "publish", "jobs/orders", v2.toString(), "--replace", "--config", conf).code()).isZero();
        Run history = run("config", "history", "jobs/orders", "--config", conf);
        assertThat(history.out()).containsSubsequence("v2", "changed: batch.size, retries", "v1");

        Run rollback = run("config", "rollback", "jobs/orders", "1", "--config", conf);
        assertThat(rollback.code()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("back to the content of v1 as v3", "batch.size, retries");
        assertThat(run("config", "get", "jobs/orders", "batch.size", "--config", conf).out().trim()).isEqualTo("100");
        Run same = run("config", "diff", "jobs/orders", "--versions", "1", "3", "--config", conf);
        assertThat(same.code()).as(same.out()).isZero();
        assertThat(same.out()).contains("0 differences");

        Run stale = run("config", "rollback", "jobs/orders", "2", "--expect", "2", "--config", conf);
        assertThat(stale.code()).as("compare-and-set against a version that is no longer current").isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void badInputIsNamedAndChangesNothing() throws Exception {
        String conf = embeddedSettings().toString();
        Run missingSet = run("config", "get", "jobs/none", "--config", conf);
        assertThat(missingSet.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(missingSet.err()).contains("Configuration set jobs/none does not exist", "config publish jobs/none");

        Path missingFile = dir.resolve("nope.properties");
        Run noFile = run("config", "publish", "jobs/a", missingFile.toString(), "--config", conf);
        assertThat(noFile.code()).isNotZero();
        assertThat(noFile.err()).contains(missingFile.toString()).doesNotContain("\tat ");

        Run badName = run("config", "publish", "../etc", file("a.properties", "k=v\n").toString(), "--config", conf);
        assertThat(badName.code()).isNotZero();
        assertThat(badName.err()).contains("../etc");
        assertThat(run("config", "get", "jobs/a", "--config", conf).code()).as("nothing was written").isEqualTo(ExitCodes.FAILED);

        assertThat(run("config", "publish", "jobs/a", file("b.properties", "k=v\n").toString(), "--config", conf).code()).isZero();
        Run noKey = run("config", "get", "jobs/a", "x", "--config", conf);
        assertThat(noKey.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(noKey.err()).contains("has no key 'x'", "its keys: k");
        Run notKept = run("config", "rollback", "jobs/a", "9", "--config", conf);
        assertThat(notKept.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(notKept.err()).contains("Version 9", "is not kept");

        Run both = run("config", "diff", "jobs/a", "x.properties", "--versions", "1", "2", "--config", conf);
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("give either FILE or --versions A B");
        Run none = run("config");
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("a config command is required");
        Run badSettings = run("config", "get", "jobs/a", "--config", file("bad.properties", "zk.conect=x\n").toString());
        assertThat(badSettings.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(badSettings.err()).contains("zk.conect");
    }

    @Test
    void aWatcherSeesAnotherRunsPublishWithSecretsMasked() throws Exception {
        try (QuorumClients zk = new QuorumClients()) {
            String conf = file("quorum.properties", "zk.connect=" + zk.connectString() + "\n").toString();
            assertThat(run("config", "publish", "jobs/w", file("w1.properties", "a=1\n").toString(), "--config", conf).code()).isZero();
            CompletableFuture<Run> watching = CompletableFuture.supplyAsync(
                    () -> run("config", "watch", "jobs/w", "--changes", "1", "--for", "60s", "--config", conf));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // The watcher starts from the current version; publish until it has seen one new one.
            int published = 1;
            while (!watching.isDone() && System.nanoTime() < deadline) {
                published++;
                run("config", "publish", "jobs/w", file("w.properties", "a=" + published + "\n").toString(), "--replace",
                        "--config", conf);
                Thread.sleep(500);
            }
            Run watch = watching.get(30, TimeUnit.SECONDS);
            assertThat(watch.code()).as(watch.err()).isZero();
            assertThat(watch.out()).contains("Watching jobs/w from v").containsPattern("v\\d+ by .*: a=\\d+");
        }
    }
}
