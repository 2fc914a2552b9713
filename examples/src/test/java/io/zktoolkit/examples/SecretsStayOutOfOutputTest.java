package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.QuorumClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest credential in a settings file never reaches what the launcher prints or logs: every
 * inspecting and configuring command run with it against a real 3-server quorum (creator-only
 * ACLs), and a run that fails because the ensemble is gone, are checked on stdout, stderr and every
 * log line down to DEBUG, stack traces included.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretsStayOutOfOutputTest {
    private static final String PASSWORD = "S3cret-Digest-pw";

    @TempDir
    Path dir;
    private QuorumClients zk;
    private CapturedLogs logs;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
        logs = CapturedLogs.start();
    }

    @AfterEach
    void stop() {
        logs.close();
        zk.close();
    }

    @Test
    void noCommandPrintsOrLogsTheDigestPassword() throws Exception {
        String conf = settings(zk.connectString()).toString();
        Path set = Files.writeString(dir.resolve("orders.properties"), "batch.size=100\n");
        List<LauncherRun> runs = new ArrayList<>();
        runs.add(LauncherRun.of("config", "publish", "jobs/orders", set.toString(), "--config", conf));
        runs.add(LauncherRun.of("config", "get", "jobs/orders", "--config", conf));
        runs.add(LauncherRun.of("config", "history", "jobs/orders", "--config", conf));
        for (String command : new String[] {"status", "locks", "services", "jobs", "fleet"}) {
            runs.add(LauncherRun.of(command, "--config", conf));
        }
        assertThat(runs).allSatisfy(r -> assertThat(r.code()).as(r.out() + r.err()).isZero());
        assertThat(runs.get(1).out()).contains("batch.size=100");

        zk.close();
        LauncherRun unreachable = LauncherRun.of("status", "--config", settings(zk.connectString()).toString());
        assertThat(unreachable.code()).as(unreachable.out() + unreachable.err()).isEqualTo(ExitCodes.ZOOKEEPER_UNAVAILABLE);
        assertThat(unreachable.err()).contains(zk.connectString());
        runs.add(unreachable);

        assertThat(runs).allSatisfy(r -> assertThat(r.out() + r.err()).doesNotContain(PASSWORD));
        assertThat(logs.text()).as("every log line, DEBUG included").contains("Connected to ZooKeeper at")
                .doesNotContain(PASSWORD);
    }

    @Test
    void liveConfigValuesNamedAsSecretsAreMaskedInEveryCommandYetReadAsPublished() throws Exception {
        String dbPassword = "Db-pw-4711";
        String token = "Tok-0815";
        String conf = Files.writeString(dir.resolve("plain.properties"), "zk.connect=" + zk.connectString() + "\n").toString();
        Path v1 = Files.writeString(dir.resolve("v1.properties"), "db.password=" + dbPassword + "\napi.token=" + token
                + "\nbatch.size=100\n");
        Path v2 = Files.writeString(dir.resolve("v2.properties"), "db.password=" + dbPassword + "-new\napi.token=******"
                + "\nbatch.size=200\n");
        List<LauncherRun> runs = new ArrayList<>();
        runs.add(LauncherRun.of("config", "publish", "jobs/orders", v1.toString(), "--config", conf));
        runs.add(LauncherRun.of("config", "get", "jobs/orders", "--config", conf));
        runs.add(LauncherRun.of("config", "get", "jobs/orders", "db.password", "--config", conf));
        LauncherRun diffFile = LauncherRun.of("config", "diff", "jobs/orders", v2.toString(), "--config", conf);
        runs.add(LauncherRun.of("config", "publish", "jobs/orders", v2.toString(), "--replace", "--config", conf));
        LauncherRun diffVersions = LauncherRun.of("config", "diff", "jobs/orders", "--versions", "1", "2", "--config", conf);
        runs.add(LauncherRun.of("config", "history", "jobs/orders", "--config", conf));
        runs.add(LauncherRun.of("status", "--config", conf));
        assertThat(runs).allSatisfy(r -> assertThat(r.code()).as(r.out() + r.err()).isZero());
        assertThat(runs.get(1).out()).contains("db.password=******", "api.token=******", "batch.size=100");
        assertThat(runs.get(2).out().trim()).isEqualTo("******");
        assertThat(diffFile.out()).contains("~ db.password: ****** -> ****** (a new value)", "~ batch.size: 100 -> 200")
                .doesNotContain("api.token");   // the mask keeps the stored token: no change
        assertThat(diffVersions.out()).contains("~ batch.size: 100 -> 200");
        runs.add(diffFile);
        runs.add(diffVersions);

        assertThat(runs).allSatisfy(r -> assertThat(r.out() + r.err()).doesNotContain(dbPassword).doesNotContain(token));
        assertThat(logs.text()).as("every log line, DEBUG included").doesNotContain(dbPassword).doesNotContain(token);
        // masking is for output only: a job reads what was published
        ConfigSnapshot current = ConfigStore.builder(zk.open()).build().read("jobs/orders");
        assertThat(current.getString("db.password", null)).isEqualTo(dbPassword + "-new");
        assertThat(current.getString("api.token", null)).isEqualTo(token);
    }

    private Path settings(String connect) throws Exception {
        return Files.writeString(dir.resolve("secure.properties"), "zk.connect=" + connect + "\nzk.auth.digest=etl:" + PASSWORD
                + "\nzk.acl=creator\nzk.connection.timeout=3s\n");
    }
}
