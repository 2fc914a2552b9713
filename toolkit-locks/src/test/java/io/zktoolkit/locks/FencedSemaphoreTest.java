package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.it.harness.SessionExpiry;
import io.zktoolkit.locks.FencedSemaphore.SemaphoreLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fenced semaphore on an embedded 3-server quorum, with separate client sessions. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FencedSemaphoreTest {
    private EmbeddedEnsemble ensemble;
    private final List<ToolkitClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        ensemble = EmbeddedEnsemble.builder().servers(3).build();
        ensemble.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(ToolkitClient::close);
        ensemble.close();
    }

    private ToolkitClient client() {
        ToolkitClient c = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, ensemble.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(3)).build());
        clients.add(c);
        return c;
    }

    @Test
    void theCapIsNeverExceededAndEveryLeaseHasItsOwnToken() throws Exception {
        int workers = 6;
        int rounds = 5;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            FencedSemaphore semaphore = FencedSemaphore.named(client(), "source-db", 2);
            new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        SemaphoreLease lease = semaphore.acquire(1, Duration.ofSeconds(30)).get(0);
                        int now = inside.incrementAndGet();
                        most.accumulateAndGet(now, Math::max);
                        tokens.add(lease.token());
                        lease.checkHeld();
                        Thread.sleep(20);
                        inside.decrementAndGet();
                        lease.release();
                    }
                } catch (Exception | AssertionError e) {
                    errors.add(e.toString());
                } finally {
                    done.countDown();
                }
            }).start();
        }
        assertThat(done.await(90, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(most.get()).isEqualTo(2);
        assertThat(tokens).hasSize(workers * rounds).doesNotHaveDuplicates().allMatch(t -> t > 0);
    }

    @Test
    void aWaitThatTimesOutGetsNothingAndLeavesNoNode() throws Exception {
        ToolkitClient holder = client();
        List<SemaphoreLease> both = FencedSemaphore.named(holder, "small", 2).acquire(2, Duration.ofSeconds(5));
        assertThat(both).hasSize(2);
        assertThat(FencedSemaphore.named(client(), "small", 2).acquire(1, Duration.ofMillis(300))).isEmpty();
        assertThat(holder.curator().getChildren().forPath("/semaphores/small/leases")).hasSize(2);
        both.forEach(SemaphoreLease::release);
    }

    @Test
    void anExpiredHoldersLeasesAreFreedForOthersAndMarkedLost() throws Exception {
        ToolkitClient holder = client();
        List<SemaphoreLease> held = FencedSemaphore.named(holder, "expiring", 2).acquire(2, Duration.ofSeconds(5));
        expireSession(holder);
        List<SemaphoreLease> next = FencedSemaphore.named(client(), "expiring", 2).acquire(1, Duration.ofSeconds(30));
        assertThat(next).hasSize(1);
        assertThat(next.get(0).token()).isGreaterThan(held.get(1).token());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (held.stream().anyMatch(l -> l.state() != FencedOwnership.State.LOST)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private void expireSession(ToolkitClient victim) throws Exception {
        SessionExpiry.expire(victim.curator().getZookeeperClient().getZooKeeper(), ensemble.connectString());
    }
}
