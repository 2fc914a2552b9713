package io.zktoolkit.recovery.failover;

import static io.zktoolkit.recovery.failover.ActiveStandbyTest.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditAction;
import io.zktoolkit.config.audit.AuditQuery;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.failover.ActiveStandbyTest.RecordingService;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An operator forces the active of a group to step down, on a real 3-server quorum. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ForcedFailoverTest {
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void theActiveStepsDownAStandbyTakesOverWithAHigherEpochAndOneEntryIsRecorded() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        RecordingService a = new RecordingService("a", events);
        RecordingService b = new RecordingService("b", events);
        ActiveStandby pa = zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "a", a).build());
        pa.start();
        assertThat(next(events)).isEqualTo("a active first");
        ActiveStandby pb = zk.closeLater(ActiveStandby.builder(zk.open(), "orders-stream", "b", b).build());
        pb.start();
        ToolkitClient operator = zk.open();
        operator.curator().create().forPath("/sink", "0".getBytes(StandardCharsets.UTF_8));
        Takeover old = a.takeover;
        while (operator.curator().getChildren().forPath("/elections/orders-stream/latch").size() < 2) {
            Thread.sleep(20);
        }

        ForcedFailover.Result r = new ForcedFailover(operator).failover("orders-stream", "patch edge-3");

        assertThat(r.leader().participantId()).isEqualTo("a");
        assertThat(r.leader().token()).isEqualTo(old.token());
        assertThat(r.leader().standbys()).isEqualTo(1);
        assertThat(r.epoch()).as("the first active had nobody to fence, so it never raised the epoch").isEmpty();
        assertThat(r.lastActive().orElseThrow().token()).isEqualTo(old.token());
        List<String> two = List.of(next(events), next(events));
        assertThat(two).containsExactlyInAnyOrder("a standby", "b active after a");
        assertThat(b.takeover.token()).isGreaterThan(old.token());
        EpochFence fence = new EpochFence(operator.curator(), "/failover/orders-stream/epoch");
        assertThat(fence.current()).hasValue(b.takeover.token());
        assertThatThrownBy(() -> fence.check(old.token())).isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> old.leadership().fencedSetData("/sink", "stale".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LockLostException.class);
        assertThat(pb.state()).isEqualTo(ActiveStandby.State.ACTIVE);
        // a rejoined as a standby: two participants in line again, b first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pa.state() != ActiveStandby.State.STANDBY
                || operator.curator().getChildren().forPath("/elections/orders-stream/latch").size() < 2) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }

        assertThat(AuditTrail.builder(operator).build().read(AuditQuery.all()).entries()).singleElement().satisfies(e -> {
            assertThat(e.what().action()).isEqualTo(AuditAction.FORCED_FAILOVER);
            assertThat(e.what().target()).isEqualTo("/failover/orders-stream");
            assertThat(e.what().reason()).isEqualTo("patch edge-3");
            assertThat(e.what().details()).containsEntry("leader", "a").containsEntry("token", Long.toString(old.token()))
                    .containsEntry("lastActive", "a token " + old.token()).containsEntry("standbys", "1");
        });
    }

    @Test
    void aGroupWithoutParticipantsOrAMissingReasonChangesAndRecordsNothing() throws Exception {
        ToolkitClient operator = zk.open();
        ForcedFailover forced = new ForcedFailover(operator);
        assertThatThrownBy(() -> forced.failover("nobody-here", "drill"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody-here has no participants");
        assertThatThrownBy(() -> forced.failover("orders-stream", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a reason");
        assertThatThrownBy(() -> forced.failover("a/b", "drill")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AuditTrail.builder(operator).build().read(AuditQuery.all()).entries()).isEmpty();
    }
}
