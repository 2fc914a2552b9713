package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.it.harness.SyncedRead;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fenced mutex on a real 3-server ensemble. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FencedMutexTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private ToolkitClient client() {
        return zk.open();
    }

    @Test
    void tokensRiseWithEveryAcquisitionAndNoFencedIncrementIsLost() throws Exception {
        ToolkitClient setup = client();
        setup.curator().create().forPath("/counter", "0".getBytes(StandardCharsets.UTF_8));
        FencingTokenGuard guard = new FencingTokenGuard();
        List<Long> accepted = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        int workers = 4;
        int rounds = 15;
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            ToolkitClient zk = client();
            FencedMutex mutex = FencedMutex.named(zk, "counter");
            new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        try (LockLease lease = mutex.acquire(Duration.ofSeconds(30)).orElseThrow()) {
                            if (!guard.tryAccept(lease.token())) {
                                violations.add("token " + lease.token() + " below " + guard.highest());
                            }
                            accepted.add(lease.token());
                            int value = Integer.parseInt(new String(zk.curator().getData().forPath("/counter"), StandardCharsets.UTF_8));
                            lease.fencedSetData("/counter", Integer.toString(value + 1).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                } catch (Exception e) {
                    violations.add(e.toString());
                } finally {
                    done.countDown();
                }
            }).start();
        }
        assertThat(done.await(90, TimeUnit.SECONDS)).isTrue();
        assertThat(violations).isEmpty();
        assertThat(accepted).hasSize(workers * rounds).isSorted().doesNotHaveDuplicates();
        assertThat(new String(SyncedRead.of(setup.curator(), "/counter"), StandardCharsets.UTF_8))
                .isEqualTo(Integer.toString(workers * rounds));
    }

    @Test
    void aWaitThatTimesOutLeavesNoNodeBehind() throws Exception {
        ToolkitClient a = client();
        ToolkitClient b = client();
        FencedMutex mine = FencedMutex.named(a, "busy");
        try (LockLease held = mine.acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(FencedMutex.named(b, "busy").acquire(Duration.ofMillis(300))).isEmpty();
            // b deleted its waiting node on its own session; a's server may not have applied that yet.
            SyncedRead.sync(a.curator(), "/locks/busy");
            assertThat(a.curator().getChildren().forPath("/locks/busy")).hasSize(1)
                    .allMatch(n -> held.nodePath().endsWith(n));
            assertThatThrownBy(() -> mine.acquire(Duration.ofMillis(100)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already held by this thread");
        }
    }

    @Test
    void writesAfterReleaseAreRejectedAndChangeNothing() throws Exception {
        ToolkitClient zk = client();
        zk.curator().create().forPath("/r", "before".getBytes(StandardCharsets.UTF_8));
        LockLease lease = FencedMutex.named(zk, "r").acquire(Duration.ofSeconds(5)).orElseThrow();
        lease.release();
        assertThat(lease.state()).isEqualTo(LockLease.State.RELEASED);
        assertThatThrownBy(() -> lease.fencedSetData("/r", "after".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LockLostException.class)
                .hasMessageContaining("lock /locks/r")
                .hasMessageContaining("Nothing was written");
        assertThatThrownBy(lease::checkHeld).isInstanceOf(LockLostException.class).hasMessageContaining("RELEASED");
        assertThat(new String(zk.curator().getData().forPath("/r"), StandardCharsets.UTF_8)).isEqualTo("before");
    }

    @Test
    void anExpiredSessionLosesTheLeaseTellsItsListenerAndTheNextHolderGetsAHigherToken() throws Exception {
        ToolkitClient holder = client();
        ToolkitClient next = client();
        LockLease lease = FencedMutex.named(holder, "expiring").acquire(Duration.ofSeconds(5)).orElseThrow();
        List<LockLease.State> heard = new CopyOnWriteArrayList<>();
        lease.addListener((l, state) -> heard.add(state));
        lease.checkHeld();

        expireSession(holder);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lease.state() != LockLease.State.LOST) {
            assertThat(System.nanoTime()).as("lease noticed the expiry").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(heard).contains(LockLease.State.LOST);
        assertThatThrownBy(lease::checkHeld).isInstanceOf(LockLostException.class).hasMessageContaining("LOST");
        try (LockLease newer = FencedMutex.named(next, "expiring").acquire(Duration.ofSeconds(10)).orElseThrow()) {
            assertThat(newer.token()).isGreaterThan(lease.token());
        }
        lease.release();
    }

    @Test
    void releaseWhileTheQuorumIsDownLeavesTheLockUsable() throws Exception {
        ToolkitClient holder = client();
        FencedMutex mutex = FencedMutex.named(holder, "blip");
        LockLease lease = mutex.acquire(Duration.ofSeconds(5)).orElseThrow();
        zk.quorum().kill(1);
        zk.quorum().kill(2);
        lease.release();
        zk.quorum().restart(1);
        zk.quorum().restart(2);
        // the node is gone once the connection is back: another process and this one both get the lock
        try (LockLease other = FencedMutex.named(client(), "blip").acquire(Duration.ofSeconds(30)).orElseThrow()) {
            assertThat(other.token()).isGreaterThan(lease.token());
        }
        try (LockLease again = mutex.acquire(Duration.ofSeconds(30)).orElseThrow()) {
            assertThat(again.state()).isEqualTo(LockLease.State.HELD);
        }
    }

    private void expireSession(ToolkitClient victim) throws Exception {
        zk.expireSession(victim);
    }
}
