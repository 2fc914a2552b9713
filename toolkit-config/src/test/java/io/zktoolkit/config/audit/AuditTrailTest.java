package io.zktoolkit.config.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigConflictException;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.QuorumClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The audit trail and the config store's entries, against a real 3-server quorum. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AuditTrailTest {
    private static final String PASSWORD = "Audit-S3cret-pw";
    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static QuorumClients quorum;
    private static ToolkitClient plain;

    @BeforeAll
    static void start() {
        quorum = new QuorumClients();
        plain = quorum.open();
    }

    @AfterAll
    static void stop() {
        quorum.close();
    }

    private static ToolkitClient digestClient(String user, AclMode acl) {
        return quorum.closeLater(ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.AUTH_DIGEST, Secret.of(user + ":" + PASSWORD))
                .set(ToolkitKeys.ACL, acl)
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(200))
                .set(ToolkitKeys.RETRY_MAX_RETRIES, 2)
                .build()));
    }

    /** A fresh root per test, so tests share the quorum without seeing each other's entries. */
    private static String newRoot() {
        return "/audit-" + ROOTS.incrementAndGet();
    }

    private static AuditLog readAll(ToolkitClient zk, String root) throws Exception {
        return AuditTrail.builder(zk).root(root).build().read(AuditQuery.all());
    }

    @Test
    void publishAndRollbackEachRecordOneEntryNamingWhoWhenAndWhat() throws Exception {
        String root = newRoot();
        ToolkitClient etl = digestClient("etl", AclMode.OPEN);
        try (CapturedLogs logs = CapturedLogs.start()) {
            ConfigStore store = ConfigStore.builder(etl).root("/cfg-who").author("tester@test")
                    .audit(AuditTrail.builder(etl).root(root).actor("alice (CHG-42)").build()).build();
            Instant before = Instant.now();
            ConfigSnapshot v1 = store.publish(ConfigUpdate.replacing(store.read("jobs/orders")).set("mappers", "4")
                    .comment("first"));
            ConfigSnapshot v2 = store.publish(ConfigUpdate.on(v1).set("mappers", "8").set("queue", "etl"));
            store.rollback("jobs/orders", 1, v2.version());
            Instant after = Instant.now();

            AuditLog log = readAll(plain, root);
            assertThat(log.unreadable()).isEmpty();
            assertThat(log.entries()).extracting(e -> e.what().action())
                    .containsExactly(AuditAction.CONFIG_ROLLBACK, AuditAction.CONFIG_PUBLISH, AuditAction.CONFIG_PUBLISH);
            assertThat(log.entries()).extracting(e -> e.what().details().get("from") + "->" + e.what().details().get("to"))
                    .containsExactly("2->3", "1->2", "none->1");
            assertThat(log.entries()).extracting(AuditEntry::zxid).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            AuditEntry rollback = log.entries().get(0);
            assertThat(rollback.what().target()).isEqualTo("/cfg-who/sets/jobs/orders");
            assertThat(rollback.what().reason()).isEqualTo("rollback to v1");
            assertThat(rollback.what().details()).containsEntry("changed", "mappers,queue").containsEntry("set", "jobs/orders");
            assertThat(log.entries().get(2).what().reason()).isEqualTo("first");
            AuditActor who = rollback.who();
            assertThat(who.digestUser()).isEqualTo("etl");
            assertThat(who.actor()).isEqualTo("alice (CHG-42)");
            assertThat(who.user()).isEqualTo(System.getProperty("user.name"));
            assertThat(who.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(who.host()).isNotBlank();
            // The servers run in this JVM, so their clock is this clock: both stamps fall inside the calls.
            for (AuditEntry e : log.entries()) {
                assertThat(e.serverTime()).isBetween(before.minusSeconds(1), after.plusSeconds(1));
                assertThat(e.clientTime()).isBetween(before, after);
            }
            // The change and its entry are one transaction: same zxid as the set's last write.
            assertThat(rollback.zxid()).isEqualTo(plain.curator().checkExists().forPath("/cfg-who/sets/jobs/orders").getMzxid());

            for (String child : plain.curator().getChildren().forPath(root)) {
                assertThat(new String(plain.curator().getData().forPath(root + "/" + child), StandardCharsets.UTF_8))
                        .contains("digestUser=etl").doesNotContain(PASSWORD);
            }
            assertThat(log.entries().toString()).doesNotContain(PASSWORD);
            assertThat(logs.text()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aVersionConflictRecordsNothing() throws Exception {
        String root = newRoot();
        ConfigStore store = ConfigStore.builder(plain).root("/cfg-conflict")
                .audit(AuditTrail.builder(plain).root(root).build()).build();
        ConfigSnapshot v1 = store.publish(ConfigUpdate.replacing(store.read("orders")).set("a", "1"));
        store.publish(ConfigUpdate.on(v1).set("a", "2"));
        assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("a", "3"))).isInstanceOf(ConfigConflictException.class);
        assertThatThrownBy(() -> store.rollback("orders", 1, 1)).isInstanceOf(ConfigConflictException.class);

        assertThat(readAll(plain, root).entries()).hasSize(2);
        assertThat(store.read("orders").find("a")).contains("2");
    }

    @Test
    void aChangeRefusedWithNoAuthRecordsNothing() throws Exception {
        String root = newRoot();
        plain.curator().create().forPath(root); // open to everyone: only the set's own ACL refuses
        ToolkitClient owner = digestClient("owner", AclMode.CREATOR_WORLD_READ);
        ToolkitClient intruder = digestClient("intruder", AclMode.OPEN);
        ConfigStore ownerStore = ConfigStore.builder(owner).root("/cfg-acl").audit(AuditTrail.builder(owner).root(root).build()).build();
        ConfigSnapshot v1 = ownerStore.publish(ConfigUpdate.replacing(ownerStore.read("secure")).set("a", "1"));
        ConfigStore intruderStore = ConfigStore.builder(intruder).root("/cfg-acl").audit(AuditTrail.builder(intruder).root(root).build()).build();

        assertThatThrownBy(() -> intruderStore.publish(ConfigUpdate.on(intruderStore.read("secure")).set("a", "2")))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("/cfg-acl/sets/secure")
                .hasRootCauseInstanceOf(KeeperException.NoAuthException.class);

        assertThat(readAll(plain, root).entries()).singleElement()
                .satisfies(e -> assertThat(e.who().digestUser()).isEqualTo("owner"));
        assertThat(ownerStore.read("secure").version()).isEqualTo(v1.version());
    }

    @Test
    void anAuditRootThatRefusesTheEntryKeepsTheChangeFromLanding() throws Exception {
        String root = newRoot();
        ToolkitClient owner = digestClient("owner", AclMode.CREATOR_WORLD_READ);
        owner.curator().create().forPath(root); // only owner may add entries
        ToolkitClient other = digestClient("other", AclMode.OPEN);
        ConfigStore store = ConfigStore.builder(other).root("/cfg-audit-acl").audit(AuditTrail.builder(other).root(root).build()).build();

        assertThatThrownBy(() -> store.publish(ConfigUpdate.replacing(store.read("jobs")).set("a", "1")))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("audit trail at " + root)
                .hasRootCauseInstanceOf(KeeperException.NoAuthException.class);

        assertThat(store.read("jobs").exists()).as("the change did not land without its entry").isFalse();
        assertThat(readAll(plain, root).entries()).isEmpty();
    }

    @Test
    void aConnectionLostAtTheCommitLandsTheChangeAndItsEntryTogetherOrNeither() throws Exception {
        try (QuorumClients own = new QuorumClients()) {
            ToolkitClient zk = own.open();
            ConfigStore store = ConfigStore.builder(zk).root("/cfg-loss").build();
            ConfigSnapshot v1 = store.publish(ConfigUpdate.replacing(store.read("jobs")).set("a", "1"));
            own.quorum().kill(0);
            own.quorum().kill(1);

            assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("a", "2")))
                    .hasRootCauseInstanceOf(KeeperException.ConnectionLossException.class);

            own.quorum().restart(0);
            own.quorum().restart(1);
            ToolkitClient after = own.open(Duration.ofSeconds(15));
            // The outcome is unknown to the writer: the surviving server may have logged the transaction
            // and, winning the next election, commit it. Either way the change and its entry agree.
            long version = ConfigStore.builder(after).root("/cfg-loss").build().read("jobs").version();
            assertThat(version).isIn(1L, 2L);
            assertThat(AuditTrail.builder(after).build().read(AuditQuery.all()).entries()).hasSize((int) version)
                    .first().satisfies(e -> assertThat(e.what().details()).containsEntry("to", Long.toString(version)));
        }
    }

    @Test
    void corruptAndForeignEntriesAreReportedWithTheirPathAndTheRestIsRead() throws Exception {
        String root = newRoot();
        AuditTrail trail = AuditTrail.builder(plain).root(root).build();
        trail.record(new AuditRecord(AuditAction.LOCK_BREAK, "/locks/a", "hung", Map.of("token", "7")));
        CuratorFramework raw = plain.curator();
        String garbage = raw.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(root + "/entry-", new byte[] {(byte) 0xff, 0x00});
        String foreign = raw.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(root + "/entry-", "#zktoolkit-audit v9\naction=X\n".getBytes(StandardCharsets.UTF_8));
        byte[] nuke = new String(AuditFormat.encode(trail.actor(), new AuditRecord(AuditAction.LOCK_BREAK, "/locks/b", "",
                Map.of()), Instant.now()), StandardCharsets.UTF_8).replace("action=LOCK_BREAK", "action=NUKE")
                .getBytes(StandardCharsets.UTF_8);
        String badAction = raw.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(root + "/entry-", nuke);
        trail.record(new AuditRecord(AuditAction.FORCED_FAILOVER, "/failover/g", "drill", Map.of()));

        AuditLog log = trail.read(AuditQuery.all());
        assertThat(log.entries()).extracting(e -> e.what().action())
                .containsExactly(AuditAction.FORCED_FAILOVER, AuditAction.LOCK_BREAK);
        assertThat(log.unreadable()).hasSize(3);
        assertThat(String.join("\n", log.unreadable()))
                .contains(badAction + " is unreadable: unknown action 'NUKE'")
                .contains(foreign + " is unreadable: it is in format 'zktoolkit-audit v9'")
                .contains(garbage + " is unreadable: the data is not UTF-8");
    }

    @Test
    void retentionKeepsTheNewestEntries() throws Exception {
        String root = newRoot();
        AuditTrail trail = AuditTrail.builder(plain).root(root).retention(3).build();
        for (int i = 1; i <= 5; i++) {
            trail.record(new AuditRecord(AuditAction.LOCK_BREAK, "/locks/l" + i, "", Map.of()));
        }
        assertThat(plain.curator().getChildren().forPath(root)).hasSize(3);
        assertThat(trail.read(AuditQuery.all()).entries()).extracting(e -> e.what().target())
                .containsExactly("/locks/l5", "/locks/l4", "/locks/l3");
        assertThatThrownBy(() -> AuditTrail.builder(plain).retention(0)).hasMessageContaining("at least 1");
    }

    @Test
    void queriesFilterByActionPathTimeAndCount() throws Exception {
        String root = newRoot();
        AuditTrail trail = AuditTrail.builder(plain).root(root).build();
        trail.record(new AuditRecord(AuditAction.LOCK_BREAK, "/locks/orders", "", Map.of()));
        trail.record(new AuditRecord(AuditAction.LOCK_BREAK, "/locks/orders-2", "", Map.of()));
        trail.record(new AuditRecord(AuditAction.FORCED_FAILOVER, "/failover/g", "", Map.of()));
        List<AuditEntry> all = trail.read(AuditQuery.all()).entries();

        assertThat(trail.read(AuditQuery.all().action(AuditAction.LOCK_BREAK)).entries()).hasSize(2);
        assertThat(trail.read(AuditQuery.all().pathPrefix("/locks/orders")).entries()).singleElement()
                .satisfies(e -> assertThat(e.what().target()).isEqualTo("/locks/orders"));
        assertThat(trail.read(AuditQuery.all().limit(1)).entries()).containsExactly(all.get(0));
        assertThat(trail.read(AuditQuery.all().since(all.get(0).serverTime().plusSeconds(1))).entries()).isEmpty();
        assertThat(trail.read(AuditQuery.all().since(all.get(2).serverTime())).entries()).hasSize(3);
        assertThat(AuditTrail.builder(plain).root("/nothing-here").build().read(AuditQuery.all()).entries()).isEmpty();
    }
}
