package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditEntry;
import io.zktoolkit.config.audit.AuditQuery;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.testing.QuorumClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Breaking a hung holder's lock on a real 3-server quorum: the waiter proceeds, the broken holder is fenced, one entry. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LockBreakerTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private List<AuditEntry> entries(ToolkitClient client) throws Exception {
        return AuditTrail.builder(client).build().read(AuditQuery.all()).entries();
    }

    @Test
    void aBreakLetsTheWaiterProceedWithAHigherTokenAndFencesTheBrokenHolder() throws Exception {
        ToolkitClient holderClient = zk.open();
        ToolkitClient waiterClient = zk.open();
        ToolkitClient operator = zk.open();
        holderClient.curator().create().creatingParentsIfNeeded().forPath("/state/orders", "0".getBytes(StandardCharsets.UTF_8));
        LockLease hung = FencedMutex.named(holderClient, "tables/orders").acquire(Duration.ofSeconds(10)).orElseThrow();
        CompletableFuture<Optional<LockLease>> waiter = CompletableFuture.supplyAsync(
                () -> FencedMutex.named(waiterClient, "tables/orders").acquire(Duration.ofSeconds(60)));
        while (new LockInspector(operator).lock("/locks/tables/orders").orElseThrow().waiters().isEmpty()) {
            Thread.sleep(20);
        }

        LockBreaker.BrokenLock broken = new LockBreaker(operator).breakLock("/locks/tables/orders", "holder hung in GC");

        assertThat(broken.token()).isEqualTo(hung.token());
        assertThat(broken.holder().pid()).isEqualTo(ProcessHandle.current().pid());
        LockLease next = waiter.get(30, TimeUnit.SECONDS).orElseThrow();
        assertThat(next.token()).isGreaterThan(hung.token());
        next.fencedSetData("/state/orders", "new".getBytes(StandardCharsets.UTF_8));
        // The broken holder wakes up and writes late: refused by ZooKeeper and by a token-keeping resource.
        assertThatThrownBy(() -> hung.fencedSetData("/state/orders", "late".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LockLostException.class).hasMessageContaining("no longer held");
        FencingTokenGuard resource = new FencingTokenGuard();
        assertThat(resource.tryAccept(next.token())).isTrue();
        assertThat(resource.tryAccept(hung.token())).isFalse();
        assertThat(new String(operator.curator().getData().forPath("/state/orders"), StandardCharsets.UTF_8)).isEqualTo("new");

        assertThat(entries(operator)).singleElement().satisfies(e -> {
            assertThat(e.what().action()).isEqualTo(AuditAction.LOCK_BREAK);
            assertThat(e.what().target()).isEqualTo("/locks/tables/orders");
            assertThat(e.what().reason()).isEqualTo("holder hung in GC");
            assertThat(e.what().details()).containsEntry("token", Long.toString(hung.token()))
                    .containsEntry("node", broken.node()).containsEntry("holder", broken.holder().toString());
            assertThat(e.who().pid()).isEqualTo(ProcessHandle.current().pid());
            // Committed after the waiter queued (the waiter's token is its node's creation zxid).
            assertThat(e.zxid()).isGreaterThan(next.token());
        });
        hung.release(); // its node is gone already: releasing must not fail or touch the new holder's node
        assertThat(new LockInspector(operator).lock("/locks/tables/orders").orElseThrow().token()).isEqualTo(next.token());
    }

    @Test
    void breakingAFreeLockOrWithoutAReasonChangesAndRecordsNothing() throws Exception {
        ToolkitClient operator = zk.open();
        LockBreaker breaker = new LockBreaker(operator);
        assertThatThrownBy(() -> breaker.breakLock("/locks/nobody", "why not"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/locks/nobody is not held");
        LockLease lease = FencedMutex.named(zk.open(), "held").acquire(Duration.ofSeconds(10)).orElseThrow();
        assertThatThrownBy(() -> breaker.breakLock("/locks/held", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a reason");
        assertThat(lease.state()).isEqualTo(FencedOwnership.State.HELD);
        assertThat(entries(operator)).isEmpty();
    }

    @Test
    void aReadWriteQueueIsRefused() throws Exception {
        ToolkitClient client = zk.open();
        FencedReadWriteLock rw = new FencedReadWriteLock(client.curator(), "/locks/rw");
        try (LockLease read = rw.readLock().acquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThatThrownBy(() -> new LockBreaker(client).breakLock("/locks/rw", "test"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only mutex locks");
            assertThat(read.state()).isEqualTo(FencedOwnership.State.HELD);
        }
        assertThat(entries(client)).isEmpty();
    }

    @Test
    void aBreakRefusedWithNoAuthLeavesTheHolderAndRecordsNothing() throws Exception {
        ToolkitClient owner = digest("owner");
        ToolkitClient stranger = digest("stranger");
        owner.curator().create().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath("/audit"); // open: only the lock's own ACL refuses the break
        LockLease lease = FencedMutex.named(owner, "secure").acquire(Duration.ofSeconds(10)).orElseThrow();

        assertThatThrownBy(() -> new LockBreaker(stranger).breakLock("/locks/secure", "not mine"))
                .isInstanceOf(io.zktoolkit.config.AccessDeniedException.class).hasMessageContaining("break lock")
                .hasRootCauseInstanceOf(KeeperException.NoAuthException.class);

        assertThat(owner.curator().checkExists().forPath(lease.nodePath())).isNotNull();
        assertThat(entries(owner)).isEmpty();
        lease.release();
    }

    private ToolkitClient digest(String user) {
        return zk.closeLater(ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, zk.connectString())
                .set(ToolkitKeys.AUTH_DIGEST, Secret.of(user + ":pw-" + user))
                .set(ToolkitKeys.ACL, AclMode.CREATOR_WORLD_READ)
                .build()));
    }
}
