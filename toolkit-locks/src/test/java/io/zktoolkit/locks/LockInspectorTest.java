package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockInspectorTest {

    @Test
    void showsHoldersTokensWaitersAndLeaders() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().build()) {
            ensemble.start();
            ToolkitSettings settings = ToolkitSettings.builder().set(ToolkitKeys.CONNECT, ensemble.connectString()).build();
            try (ToolkitClient a = ToolkitClient.open(settings); ToolkitClient b = ToolkitClient.open(settings);
                 ToolkitClient ops = ToolkitClient.open(settings)) {
                LockInspector inspector = new LockInspector(ops);
                assertThat(inspector.locks()).isEmpty();

                Holder first = new Holder("edge-1", 11, "import-orders");
                Holder second = new Holder("edge-2", 22, "import-orders-rerun");
                LockLease held = new FencedMutex(a.curator(), "/locks/tables/orders", first)
                        .acquire(Duration.ofSeconds(5)).orElseThrow();
                CompletableFuture<Optional<LockLease>> waiting = CompletableFuture.supplyAsync(() ->
                        new FencedMutex(b.curator(), "/locks/tables/orders", second).acquire(Duration.ofSeconds(1)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (inspector.lock("/locks/tables/orders").map(l -> l.waiters().isEmpty()).orElse(true)) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(10);
                }
                LockInspector.LockInfo info = inspector.lock("/locks/tables/orders").orElseThrow();
                assertThat(info.holder()).isEqualTo(first);
                assertThat(info.token()).isEqualTo(held.token());
                assertThat(info.waiters()).containsExactly(second);
                assertThat(info.since()).isBefore(java.time.Instant.now().plusSeconds(1));
                assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
                held.release();
                assertThat(inspector.locks()).isEmpty();

                try (LeaderElection one = LeaderElection.create(a, "coordinator", "edge-1:11");
                     LeaderElection two = LeaderElection.create(b, "coordinator", "edge-2:22")) {
                    one.start();
                    Leadership leadership = one.awaitLeadership(Duration.ofSeconds(10)).orElseThrow();
                    two.start();
                    while (inspector.leaders().isEmpty() || inspector.leaders().get(0).standbys().isEmpty()) {
                        assertThat(System.nanoTime()).isLessThan(deadline + TimeUnit.SECONDS.toNanos(10));
                        Thread.sleep(10);
                    }
                    LockInspector.LeaderInfo group = inspector.leaders().get(0);
                    assertThat(group.group()).isEqualTo("coordinator");
                    assertThat(group.style()).isEqualTo(LockInspector.LeaderInfo.Style.LATCH);
                    assertThat(group.leader()).isEqualTo("edge-1:11");
                    assertThat(group.token()).isEqualTo(leadership.token());
                    assertThat(group.standbys()).containsExactly("edge-2:22");
                }

                AtomicReference<Leadership> leading = new AtomicReference<>();
                LeaderWork holdOn = leadership -> {
                    leading.compareAndSet(null, leadership);
                    Thread.sleep(Long.MAX_VALUE);
                };
                try (SelectorElection one = SelectorElection.builder(a).group("compactor").participantId("edge-1:11")
                             .work(holdOn).build();
                     SelectorElection two = SelectorElection.builder(b).group("compactor").participantId("edge-2:22")
                             .work(holdOn).build()) {
                    one.start();
                    while (leading.get() == null) {
                        assertThat(System.nanoTime()).isLessThan(deadline + TimeUnit.SECONDS.toNanos(20));
                        Thread.sleep(10);
                    }
                    two.start();
                    while (selectorGroup(inspector).map(g -> g.standbys().isEmpty()).orElse(true)) {
                        assertThat(System.nanoTime()).isLessThan(deadline + TimeUnit.SECONDS.toNanos(20));
                        Thread.sleep(10);
                    }
                    LockInspector.LeaderInfo group = selectorGroup(inspector).orElseThrow();
                    assertThat(group.leader()).isEqualTo("edge-1:11");
                    assertThat(group.token()).isEqualTo(leading.get().token());
                    assertThat(group.standbys()).containsExactly("edge-2:22");
                }
            }
        }
    }

    private static Optional<LockInspector.LeaderInfo> selectorGroup(LockInspector inspector) throws Exception {
        return inspector.leaders().stream()
                .filter(g -> g.group().equals("compactor") && g.style() == LockInspector.LeaderInfo.Style.SELECTOR)
                .findFirst();
    }
}
