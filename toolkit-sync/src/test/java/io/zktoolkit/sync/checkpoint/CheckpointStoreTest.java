package io.zktoolkit.sync.checkpoint;

import io.zktoolkit.sync.CorruptSyncDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.sync.checkpoint.CheckpointRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checkpoints fenced by lock leases, on a real 3-server ensemble. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckpointStoreTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private static LockLease acquire(ToolkitClient client, String lock) {
        return FencedMutex.named(client, lock).acquire(Duration.ofSeconds(30)).orElseThrow();
    }

    private static Checkpoint numeric(ToolkitClient client, String name) {
        return CheckpointStore.builder(client).build().checkpoint(name, CheckpointOrder.NUMERIC);
    }

    @Test
    void aHolderWhoseSessionExpiredCannotMoveTheCheckpointAndNothingChanges() throws Exception {
        ToolkitClient first = zk.open();
        Checkpoint firstView = numeric(first, "sqoop/orders");
        LockLease stale = acquire(first, "sqoop/orders");
        firstView.advance(stale, "100", "run-1");

        zk.expireSession(first);
        ToolkitClient second = zk.open();
        Checkpoint secondView = numeric(second, "sqoop/orders");
        try (LockLease current = acquire(second, "sqoop/orders")) {
            CheckpointSnapshot before = secondView.read();

            assertThatThrownBy(() -> firstView.advance(stale, "200", "run-1"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.LEASE_LOST);
                        assertThat(e.attemptedToken()).isEqualTo(stale.token());
                        assertThat(e.storedToken()).hasValue(stale.token());
                    })
                    .hasMessageContaining("sqoop/orders").hasMessageContaining("Nothing was written");
            CheckpointSnapshot after = secondView.read();
            assertThat(after.current()).isEqualTo(before.current());
            assertThat(after.zkVersion()).isEqualTo(before.zkVersion());

            CheckpointSnapshot moved = secondView.advance(current, "150", "run-2");
            assertThat(moved.value()).hasValue("150");
            assertThat(secondView.read().current().orElseThrow().token()).isEqualTo(current.token()).isGreaterThan(stale.token());
        }
        stale.release();
    }

    @Test
    void aStaleTokenIsRejectedWithBothTokensNamed() {
        ToolkitClient client = zk.open();
        Checkpoint checkpoint = numeric(client, "orders");
        // Two locks, so that the older lease is still held while a newer one has written: the
        // situation of a holder that kept working on an old lock after the job moved to a new one.
        try (LockLease older = acquire(client, "old-lock"); LockLease newer = acquire(client, "new-lock")) {
            assertThat(newer.token()).isGreaterThan(older.token());
            checkpoint.advance(newer, "10", "run-new");

            assertThatThrownBy(() -> checkpoint.advance(older, "20", "run-old"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.STALE_TOKEN);
                        assertThat(e.attemptedToken()).isEqualTo(older.token());
                        assertThat(e.storedToken()).hasValue(newer.token());
                    })
                    .hasMessageContaining("token " + older.token())
                    .hasMessageContaining("token " + newer.token());
            assertThat(checkpoint.read().value()).hasValue("10");
        }
    }

    @Test
    void neverBackwardsInTheCheckpointsOrder() {
        ToolkitClient client = zk.open();
        CheckpointStore store = CheckpointStore.builder(client).build();
        Checkpoint ids = store.checkpoint("append", CheckpointOrder.NUMERIC);
        Checkpoint times = store.checkpoint("lastmodified", CheckpointOrder.TIMESTAMP);
        try (LockLease lease = acquire(client, "imports")) {
            ids.advance(lease, "100", "r1");
            // Numeric, not text order: "99" sorts after "100" as text.
            assertThatThrownBy(() -> ids.advance(lease, "99", "r2"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BACKWARDS))
                    .hasMessageContaining("not moved to 99");
            ids.advance(lease, "100", "r2");
            ids.advance(lease, "1000", "r3");

            times.advance(lease, "2024-05-01 12:00:00.0", "r1");
            assertThatThrownBy(() -> times.advance(lease, "2024-04-30 23:59:59.999", "r2"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BACKWARDS));
            assertThatThrownBy(() -> times.advance(lease, "yesterday", "r2"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yesterday");
            times.advance(lease, "2024-05-02 00:00:00", "r3");

            assertThat(ids.read().value()).hasValue("1000");
            assertThat(times.read().value()).hasValue("2024-05-02 00:00:00");
        }
    }

    @Test
    void aWriteBasedOnAnOldReadIsAConflict() {
        ToolkitClient client = zk.open();
        Checkpoint checkpoint = numeric(client, "orders");
        try (LockLease lease = acquire(client, "orders")) {
            CheckpointSnapshot absent = checkpoint.read();
            CheckpointSnapshot first = checkpoint.advance(lease, absent, "1", "r1");
            checkpoint.advance(lease, first, "2", "r1");

            assertThatThrownBy(() -> checkpoint.advance(lease, first, "3", "r2"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
            assertThatThrownBy(() -> checkpoint.advance(lease, absent, "3", "r2"))
                    .isInstanceOfSatisfying(CheckpointRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
            assertThat(checkpoint.read().value()).hasValue("2");
        }
    }

    @Test
    void keepsTheLastValuesWithWhoWroteThem() {
        ToolkitClient client = zk.open();
        Checkpoint checkpoint = CheckpointStore.builder(client).historySize(3).build()
                .checkpoint("orders", CheckpointOrder.NUMERIC);
        try (LockLease lease = acquire(client, "orders")) {
            for (int i = 1; i <= 6; i++) {
                checkpoint.advance(lease, Integer.toString(i), "run\t" + i + "\nwith escapes\\");
            }
            CheckpointSnapshot read = checkpoint.read();
            assertThat(read.value()).hasValue("6");
            assertThat(read.history()).extracting(CheckpointRecord::value).containsExactly("5", "4", "3");
            CheckpointRecord current = read.current().orElseThrow();
            assertThat(current.runId()).isEqualTo("run\t6\nwith escapes\\");
            assertThat(current.token()).isEqualTo(lease.token());
            assertThat(current.writer().pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void corruptOrForeignDataIsAnErrorNamingThePathAndIsLeftAsIs() throws Exception {
        ToolkitClient client = zk.open();
        CheckpointStore store = CheckpointStore.builder(client).build();
        client.curator().create().creatingParentsIfNeeded().forPath("/checkpoints/foreign", "last=1200".getBytes(StandardCharsets.UTF_8));
        client.curator().create().forPath("/checkpoints/binary", new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        client.curator().create().forPath("/checkpoints/damaged",
                "zktoolkit-checkpoint\t1\n100\tnot-a-token\tr\th\t1\tj\t2024-01-01T00:00:00Z\tid".getBytes(StandardCharsets.UTF_8));
        client.curator().create().forPath("/checkpoints/empty");

        for (String name : new String[] {"foreign", "binary", "damaged", "empty"}) {
            Checkpoint checkpoint = store.checkpoint(name, CheckpointOrder.NUMERIC);
            byte[] before = client.curator().getData().forPath(checkpoint.path());
            assertThatThrownBy(checkpoint::read)
                    .isInstanceOfSatisfying(CorruptSyncDataException.class, e -> assertThat(e.path()).isEqualTo("/checkpoints/" + name))
                    .hasMessageContaining("/checkpoints/" + name);
            try (LockLease lease = acquire(client, "corrupt")) {
                assertThatThrownBy(() -> checkpoint.advance(lease, "1", "r"))
                        .isInstanceOf(CorruptSyncDataException.class).hasMessageContaining("/checkpoints/" + name);
            }
            assertThat(client.curator().getData().forPath(checkpoint.path())).isEqualTo(before);
        }
    }

    @Test
    void namesAreChecked() {
        CheckpointStore store = CheckpointStore.builder(zk.open()).build();
        for (String bad : new String[] {"", "/abs", "a//b", "a/", "a b", "../x"}) {
            assertThatThrownBy(() -> store.checkpoint(bad, CheckpointOrder.NUMERIC))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid checkpoint name");
        }
    }
}
