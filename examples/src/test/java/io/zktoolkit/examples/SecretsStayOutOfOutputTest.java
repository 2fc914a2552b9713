package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

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

    private Path settings(String connect) throws Exception {
        return Files.writeString(dir.resolve("secure.properties"), "zk.connect=" + connect + "\nzk.auth.digest=etl:" + PASSWORD
                + "\nzk.acl=creator\nzk.connection.timeout=3s\n");
    }
}
