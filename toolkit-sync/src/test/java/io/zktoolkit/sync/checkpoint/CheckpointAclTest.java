package io.zktoolkit.sync.checkpoint;

import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static io.zktoolkit.config.testing.AclClients.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.testing.AclClients;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints under {@code zk.acl}: only alice moves hers, forward or back. Real ZooKeeper server. */
class CheckpointAclTest {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final String NAME = "imports/orders";
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeOfACheckpointAndItsLockCarriesTheAclMode(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        LockLease lease = clients.closeLater(FencedMutex.named(alice, NAME).acquire(WAIT).orElseThrow());
        Checkpoint checkpoint = CheckpointStore.builder(alice).build().checkpoint(NAME, CheckpointOrder.NUMERIC);
        checkpoint.advance(lease, "100", "run-1");
        checkpoint.advance(lease, "200", "run-1");

        assertThat(assertEveryNodeHas(mode, alice, p -> false)).isGreaterThanOrEqualTo(8);
    }

    @Test
    void anotherUserHoldingALockOfHerOwnCannotMoveAliceCheckpointForwardOrBack() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        try (LockLease lease = FencedMutex.named(alice, NAME).acquire(WAIT).orElseThrow()) {
            CheckpointStore.builder(alice).build().checkpoint(NAME, CheckpointOrder.NUMERIC).advance(lease, "200", "run-1");
        }
        // mallory holds a lock in a folder open to her, outside alice's namespace
        root(clients.anonymous()).create().forPath("/shared");
        ToolkitClient mallory = clients.closeLater(ToolkitClient.open(clients.mallory().settings().toBuilder()
                .set(ToolkitKeys.NAMESPACE, "").build()));
        LockLease hers = clients.closeLater(new FencedMutex(mallory.curator(), "/shared/lock").acquire(WAIT).orElseThrow());
        Checkpoint seen = CheckpointStore.builder(mallory).root("/zktoolkit/checkpoints").build()
                .checkpoint(NAME, CheckpointOrder.NUMERIC);
        assertThat(seen.read().current().orElseThrow().value()).isEqualTo("200");

        var denied = assertRefused(alice, "/zktoolkit/checkpoints/" + NAME, () -> seen.advance(hers, "300", "run-evil"));
        assertThat(denied).hasMessageStartingWith("Access denied: could not write under lock /shared/lock");
        // back: the toolkit refuses before writing, and by hand ZooKeeper refuses
        Map<String, String> before = snapshot(alice);
        assertThatThrownBy(() -> seen.advance(hers, "100", "run-evil")).isInstanceOf(CheckpointRejectedException.class)
                .hasMessageContaining("BACKWARDS");
        assertThatThrownBy(() -> root(mallory).setData().forPath("/zktoolkit/checkpoints/" + NAME,
                "100".getBytes(StandardCharsets.UTF_8))).isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(snapshot(alice)).isEqualTo(before);
        assertThat(CheckpointStore.builder(alice).build().checkpoint(NAME, CheckpointOrder.NUMERIC).read().current()
                .orElseThrow().value()).isEqualTo("200");
    }

    @Test
    void underCreatorAnotherUserCannotEvenReadTheCheckpoint() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        try (LockLease lease = FencedMutex.named(alice, NAME).acquire(WAIT).orElseThrow()) {
            CheckpointStore.builder(alice).build().checkpoint(NAME, CheckpointOrder.NUMERIC).advance(lease, "200", "run-1");
        }
        Checkpoint seen = CheckpointStore.builder(clients.mallory()).build().checkpoint(NAME, CheckpointOrder.NUMERIC);
        var denied = assertRefused(alice, "/zktoolkit/checkpoints/" + NAME, seen::read);
        assertThat(denied).hasMessageStartingWith("Access denied: could not read checkpoint " + NAME);
    }
}
