package io.zktoolkit.recovery.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.LockLostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActiveStandbyTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    /** Records what the service was told, in order. */
    static final class RecordingService implements ActiveService {
        final String name;
        final BlockingQueue<String> events;
        volatile Takeover takeover;

        RecordingService(String name, BlockingQueue<String> events) {
            this.name = name;
            this.events = events;
        }

        @Override
        public void becomeActive(Takeover t) {
            takeover = t;
            events.add(name + " active " + t.previous().map(p -> "after " + p.participantId()).orElse("first"));
        }

        @Override
        public void becomeStandby(String why) {
            events.add(name + " standby");
        }
    }

    /** The next event a {@link RecordingService} told, waiting up to 30 s. */
    static String next(BlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(30, TimeUnit.SECONDS);
        assertThat(e).as("an event within 30 s").isNotNull();
        return e;
    }

    @Test
    void theStandbyTakesOverAfterACleanLeaveAndRaisesTheEpochPastTheOldActive() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        RecordingService a = new RecordingService("a", events);
        RecordingService b = new RecordingService("b", events);
        ActiveStandby pa = ActiveStandby.builder(zk.open(), "orders-stream", "a", a).build();
        pa.start();
        assertThat(next(events)).isEqualTo("a active first");
        ActiveStandby pb = zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "b", b).build());
        pb.start();
        assertThat(pb.state()).isEqualTo(ActiveStandby.State.STANDBY);
        long oldToken = a.takeover.token();

        pa.close();
        assertThat(next(events)).isEqualTo("a standby");
        assertThat(next(events)).isEqualTo("b active after a");
        assertThat(b.takeover.token()).isGreaterThan(oldToken);
        assertThat(b.takeover.previous().orElseThrow().token()).isEqualTo(oldToken);
        EpochFence fence = new EpochFence(zk.open().curator(), "/failover/orders-stream/epoch");
        assertThat(fence.current()).hasValue(b.takeover.token());
        assertThatThrownBy(() -> fence.check(oldToken)).isInstanceOf(LockLostException.class)
                .hasMessageContaining("raised by a newer active");
        fence.check(b.takeover.token());
        assertThat(pb.takeovers()).isEqualTo(1);
    }

    @Test
    void anActiveWhoseSessionExpiredStandsDownAndItsFencedWritesAreRefused() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        RecordingService a = new RecordingService("a", events);
        RecordingService b = new RecordingService("b", events);
        ToolkitClient clientA = zk.open();
        zk.closeLater(ActiveStandby.builder(clientA, "orders-stream", "a", a).build()).start();
        assertThat(next(events)).isEqualTo("a active first");
        zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "b", b).build()).start();
        ToolkitClient plain = zk.open();
        plain.curator().create().forPath("/sink", "0".getBytes(StandardCharsets.UTF_8));
        Takeover old = a.takeover;

        zk.expireSession(clientA);
        // Both orders are fine: the old active may hear of its loss before or after b takes over.
        List<String> two = List.of(next(events), next(events));
        assertThat(two).containsExactlyInAnyOrder("a standby", "b active after a");
        assertThatThrownBy(() -> old.leadership().fencedSetData("/sink", "stale".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LockLostException.class);
        b.takeover.leadership().fencedSetData("/sink", "new".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(plain.curator().getData().forPath("/sink"), StandardCharsets.UTF_8)).isEqualTo("new");
        // a stands by again under its new session, ready for the next failover.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (zk.open().curator().getChildren().forPath("/elections/orders-stream/latch").size() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void anElectedParticipantThatCannotFenceNeverBecomesActiveAndTriesAgain() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        RecordingService a = new RecordingService("a", events);
        RecordingService b = new RecordingService("b", events);
        ActiveStandby pa = ActiveStandby.builder(zk.open(), "orders-stream", "a", a).build();
        pa.start();
        assertThat(next(events)).isEqualTo("a active first");
        AtomicInteger attempts = new AtomicInteger();
        EpochFence real = new EpochFence(zk.open().curator(), "/failover/orders-stream/epoch");
        ActiveStandby pb = zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "b", b)
                .fencer((previous, next) -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("the old active's host does not answer");
                    }
                    real.fence(previous, next);
                })
                .retryAfterFenceFailure(Duration.ofMillis(100)).build());
        pb.start();
        pa.close();
        assertThat(next(events)).isEqualTo("a standby");
        assertThat(next(events)).as("b becomes active only once fencing worked").isEqualTo("b active after a");
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(pb.state()).isEqualTo(ActiveStandby.State.ACTIVE);
    }

    @Test
    void aCorruptEpochIsReportedWithItsPath() throws Exception {
        ToolkitClient client = zk.open();
        client.curator().create().creatingParentsIfNeeded().forPath("/failover/x/epoch", "twelve".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new EpochFence(client.curator(), "/failover/x/epoch").current())
                .hasMessageContaining("/failover/x/epoch").hasMessageContaining("expected an epoch");
        assertThatThrownBy(() -> ActiveStandby.builder(client, "bad/group", "a", new RecordingService("a", new LinkedBlockingQueue<>())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
