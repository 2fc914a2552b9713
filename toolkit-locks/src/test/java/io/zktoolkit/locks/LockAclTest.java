package io.zktoolkit.locks;

import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static io.zktoolkit.config.testing.AclClients.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.AclClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Locks, semaphores and hierarchy locks under {@code zk.acl}: nobody but alice touches what she holds. Real ZooKeeper server. */
class LockAclTest {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeOfALockSemaphoreAndHierarchyLockCarriesTheAclMode(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        LockLease lease = clients.closeLater(FencedMutex.named(alice, "tables/orders").acquire(WAIT).orElseThrow());
        lease.fencedWrite(List.of(alice.curator().transactionOp().create().forPath("/state-orders", new byte[] {1})));
        FencedSemaphore.named(alice, "sources/pg", 2).acquire(1, WAIT).forEach(clients::closeLater);
        new HierarchyLock(alice.curator(), "/locks/warehouse", Holder.current())
                .lock(List.of("sales", "orders"), LockMode.EXCLUSIVE).acquire(WAIT).ifPresent(clients::closeLater);

        // namespace root, /locks parents, lock nodes (ephemeral), fencing records, the fenced write, semaphore leases
        assertThat(assertEveryNodeHas(mode, alice, p -> false)).isGreaterThanOrEqualTo(10);
    }

    @Test
    void anotherUserCannotTakeAliceLockNorDeleteHerQueueNode() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        LockLease lease = clients.closeLater(FencedMutex.named(alice, "tables/orders").acquire(WAIT).orElseThrow());
        List<FencedSemaphore.SemaphoreLease> permits = FencedSemaphore.named(alice, "sources/pg", 1).acquire(1, WAIT);
        permits.forEach(clients::closeLater);

        for (ToolkitClient other : new ToolkitClient[] {clients.mallory(), clients.anonymous()}) {
            refusedAcquire(alice, () -> FencedMutex.named(other, "tables/orders").acquire(WAIT),
                    "/zktoolkit/locks/tables/orders/", "acquire lock /locks/tables/orders");
            refusedAcquire(alice, () -> FencedSemaphore.named(other, "sources/pg", 1).acquire(1, WAIT),
                    "/zktoolkit/semaphores/sources/pg", "acquire 1 lease(s) of semaphore /semaphores/sources/pg");
            // breaking the lock by hand: ZooKeeper itself refuses to delete her queue node
            Map<String, String> before = snapshot(alice);
            assertThatThrownBy(() -> root(other).delete().forPath("/zktoolkit" + lease.nodePath()))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(snapshot(alice)).isEqualTo(before);
        }
        assertThat(lease.state()).isEqualTo(FencedOwnership.State.HELD);
        lease.fencedSetData("/locks/tables/orders", "still mine".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void underCreatorAnotherUserCannotEvenSeeTheQueue() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        LockLease lease = clients.closeLater(FencedMutex.named(alice, "tables/orders").acquire(WAIT).orElseThrow());
        ToolkitClient mallory = clients.mallory();
        refusedAcquire(alice, () -> FencedMutex.named(mallory, "tables/orders").acquire(WAIT),
                "/zktoolkit/locks/tables/orders/", "acquire lock /locks/tables/orders");
        assertThatThrownBy(() -> root(mallory).getData().forPath("/zktoolkit" + lease.nodePath()))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(lease.state()).isEqualTo(FencedOwnership.State.HELD);
    }

    @Test
    void aFencedWriteToAliceNodeIsRefusedWithThatNodeNamed() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        alice.curator().create().forPath("/state-orders", "alice".getBytes(StandardCharsets.UTF_8));
        // mallory holds a lock of her own in a folder she owns, under a namespace root open to her
        ToolkitClient mallory = clients.open("mallory:" + AclClients.MALLORY_PASSWORD, AclMode.CREATOR);
        ToolkitClient admin = clients.anonymous();
        root(admin).create().forPath("/shared");
        ToolkitClient malloryShared = clients.closeLater(ToolkitClient.open(mallory.settings().toBuilder()
                .set(io.zktoolkit.config.ToolkitKeys.NAMESPACE, "").build()));
        LockLease hers = clients.closeLater(new FencedMutex(malloryShared.curator(), "/shared/lock").acquire(WAIT).orElseThrow());
        var denied = assertRefused(alice, "/zktoolkit/state-orders",
                () -> hers.fencedSetData("/zktoolkit/state-orders", "mallory".getBytes(StandardCharsets.UTF_8)));
        assertThat(denied).hasMessageStartingWith("Access denied: could not write under lock /shared/lock");
    }

    /** An acquisition refused for the ACL, with the lock named in the message. */
    private static void refusedAcquire(ToolkitClient owner, ThrowingCallable attempt, String pathPrefix, String action)
            throws Exception {
        var denied = assertRefused(owner, pathPrefix, attempt);
        assertThat(denied).hasMessageStartingWith("Access denied: could not " + action);
    }
}
