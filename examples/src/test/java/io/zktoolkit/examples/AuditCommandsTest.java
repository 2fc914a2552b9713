package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.failover.ActiveService;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.failover.Takeover;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code config publish|rollback}, {@code locks break}, {@code locks failover} and {@code audit}, end to end on a real quorum. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditCommandsTest {
    private static final String PASSWORD = "Audit-Launcher-pw";

    @TempDir
    Path dir;
    private QuorumClients zk;
    private CapturedLogs logs;
    private String conf;

    @BeforeEach
    void start() throws Exception {
        zk = new QuorumClients();
        logs = CapturedLogs.start();
        conf = Files.writeString(dir.resolve("ops.properties"), "zk.connect=" + zk.connectString()
                + "\nzk.auth.digest=ops:" + PASSWORD + "\n").toString();
    }

    @AfterEach
    void stop() {
        logs.close();
        zk.close();
    }

    /** An active/standby participant that only says whether it is active. */
    private static final class Flag implements ActiveService {
        volatile Takeover takeover;

        @Override
        public void becomeActive(Takeover t) {
            takeover = t;
        }

        @Override
        public void becomeStandby(String why) {
            takeover = null;
        }
    }

    @Test
    void everyChangeIsListedNewestFirstWithWhoWhenAndWhat() throws Exception {
        List<LauncherRun> runs = new ArrayList<>();
        Path set = Files.writeString(dir.resolve("orders.properties"), "batch.size=100\n");
        runs.add(ok(LauncherRun.of("config", "publish", "jobs/orders", set.toString(), "--config", conf)));
        Files.writeString(set, "batch.size=200\n");
        runs.add(ok(LauncherRun.of("config", "publish", "jobs/orders", set.toString(), "--replace", "--config", conf)));
        runs.add(ok(LauncherRun.of("config", "rollback", "jobs/orders", "1", "--config", conf)));

        ToolkitClient holder = zk.open();
        holder.curator().create().forPath("/orders-state");
        LockLease hung = FencedMutex.named(holder, "orders-import").acquire(Duration.ofSeconds(10)).orElseThrow();
        LauncherRun broke = ok(LauncherRun.of("locks", "break", "/locks/orders-import", "--reason", "holder hung",
                "--actor", "alice (CHG-7)", "--config", conf));
        runs.add(broke);
        assertThat(broke.out()).contains("Broke lock /locks/orders-import", "token " + hung.token());
        try {
            hung.fencedSetData("/orders-state", "late".getBytes(StandardCharsets.UTF_8));
            throw new AssertionError("the broken holder's write landed");
        } catch (LockLostException expected) {
            // fenced
        }

        Flag a = new Flag();
        Flag b = new Flag();
        zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "a", a).build()).start();
        while (a.takeover == null) {
            Thread.sleep(20);
        }
        zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "b", b).build()).start();
        while (holder.curator().getChildren().forPath("/elections/orders-stream/latch").size() < 2) {
            Thread.sleep(20);
        }
        long oldToken = a.takeover.token();
        LauncherRun failover = ok(LauncherRun.of("locks", "failover", "orders-stream", "--reason", "drill", "--config", conf));
        runs.add(failover);
        assertThat(failover.out()).contains("Forced a (token " + oldToken + ") to step down in orders-stream", "1 standby(s)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (b.takeover == null) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(b.takeover.token()).isGreaterThan(oldToken);

        LauncherRun all = ok(LauncherRun.of("audit", "--config", conf));
        runs.add(all);
        assertThat(all.out()).contains("Audit trail (5 entries)", "by ", "digest:ops", "for alice (CHG-7): holder hung",
                "token=" + hung.token(), "leader=a", "from=2, ", "to=3", "/config/sets/jobs/orders");
        assertThat(all.out().indexOf("FORCED_FAILOVER")).isLessThan(all.out().indexOf("LOCK_BREAK"));
        assertThat(all.out().indexOf("LOCK_BREAK")).isLessThan(all.out().indexOf("CONFIG_ROLLBACK"));
        assertThat(all.out().indexOf("CONFIG_ROLLBACK")).isLessThan(all.out().indexOf("CONFIG_PUBLISH"));

        LauncherRun json = ok(LauncherRun.of("audit", "--action", "LOCK_BREAK", "--json", "--config", conf));
        runs.add(json);
        assertThat(json.out().lines().toList()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("{\"serverTime\":").contains("\"action\":\"LOCK_BREAK\"", "\"target\":\"/locks/orders-import\"",
                        "\"digestUser\":\"ops\"", "\"actor\":\"alice (CHG-7)\"", "\"token\":\"" + hung.token() + "\"")
                .endsWith("}"));
        LauncherRun config = ok(LauncherRun.of("audit", "--path", "/config", "--limit", "2", "--since", "1h", "--config", conf));
        runs.add(config);
        assertThat(config.out()).contains("Audit trail (2 entries)", "CONFIG_ROLLBACK").doesNotContain("LOCK_BREAK");
        assertThat(ok(LauncherRun.of("audit", "--since", "2999-01-01T00:00:00Z", "--config", conf)).out())
                .contains("Audit trail (0 entries)");

        assertThat(runs).allSatisfy(r -> assertThat(r.out() + r.err()).doesNotContain(PASSWORD));
        assertThat(logs.text()).doesNotContain(PASSWORD);
    }

    @Test
    void refusedChangesExitWithTheDocumentedCodesAndRecordNothing() throws Exception {
        LauncherRun free = LauncherRun.of("locks", "break", "/locks/nobody", "--reason", "x", "--config", conf);
        assertThat(free.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(free.err()).contains("/locks/nobody is not held");
        LauncherRun noGroup = LauncherRun.of("locks", "failover", "ghost", "--reason", "x", "--config", conf);
        assertThat(noGroup.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(noGroup.err()).contains("ghost has no participants");
        assertThat(LauncherRun.of("locks", "break", "/locks/x", "--config", conf).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(LauncherRun.of("locks", "break", "/locks/x", "--reason", " ", "--config", conf).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(LauncherRun.of("locks", "break", "locks/x", "--reason", "r", "--config", conf).err()).contains("absolute path");
        LauncherRun badAction = LauncherRun.of("audit", "--action", "NUKE", "--config", conf);
        assertThat(badAction.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badAction.err()).contains("LOCK_BREAK");
        LauncherRun badSince = LauncherRun.of("audit", "--since", "yesterday", "--config", conf);
        assertThat(badSince.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badSince.err()).contains("--since", "30m");
        assertThat(LauncherRun.of("audit", "--limit", "0", "--config", conf).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(ok(LauncherRun.of("audit", "--config", conf)).out()).contains("Audit trail (0 entries)");
    }

    @Test
    void aCorruptEntryIsReportedWithItsPathAndTheRestIsListed() throws Exception {
        ToolkitClient holder = zk.open();
        FencedMutex.named(holder, "orders-import").acquire(Duration.ofSeconds(10)).orElseThrow();
        ok(LauncherRun.of("locks", "break", "/locks/orders-import", "--reason", "hung", "--config", conf));
        String corrupt = holder.curator().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath("/audit/entry-", "hello".getBytes(StandardCharsets.UTF_8));

        LauncherRun r = LauncherRun.of("audit", "--config", conf);
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).contains("Audit trail (1 entries)", "LOCK_BREAK",
                "unreadable: Audit entry /zktoolkit" + corrupt + " is unreadable: it is not a ZK Toolkit audit entry");
    }

    private static LauncherRun ok(LauncherRun r) {
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r;
    }
}
