package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.zookeeper.FaultSchedule.Fault;
import io.zktoolkit.it.zookeeper.FaultSchedule.Kind;
import io.zktoolkit.it.zookeeper.FaultSchedule.Lane;
import io.zktoolkit.it.zookeeper.FaultSchedule.Targets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's fault schedule: a seed fixes every lane's faults, whatever the other lane draws. */
class FaultScheduleTest {
    private static final Targets TARGETS = new Targets(3, 3, 2, 7);
    private static final Duration HOLDER_PAUSE = Duration.ofSeconds(4);

    private static List<Fault> draw(FaultSchedule schedule, Lane lane, int n) {
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            faults.add(schedule.next(lane));
        }
        return faults;
    }

    @Test
    void theSameSeedReplaysTheSameFaultsEvenWhenTheLanesInterleaveDifferently() {
        FaultSchedule first = new FaultSchedule(42, TARGETS, HOLDER_PAUSE);
        List<Fault> servers = draw(first, Lane.SERVERS, 50);
        List<Fault> clients = draw(first, Lane.CLIENTS, 50);

        FaultSchedule replay = new FaultSchedule(42, TARGETS, HOLDER_PAUSE);
        List<Fault> replayedClients = new ArrayList<>();
        List<Fault> replayedServers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            replayedClients.add(replay.next(Lane.CLIENTS));
            replayedServers.add(replay.next(Lane.SERVERS));
        }

        assertThat(replayedServers).isEqualTo(servers);
        assertThat(replayedClients).isEqualTo(clients);
        assertThat(draw(new FaultSchedule(43, TARGETS, HOLDER_PAUSE), Lane.SERVERS, 50)).isNotEqualTo(servers);
    }

    @Test
    void eachLaneDrawsOnlyItsOwnKindsAllOfThemWithTargetsAndHoldsInRange() {
        FaultSchedule schedule = new FaultSchedule(7, TARGETS, HOLDER_PAUSE);
        Set<Kind> seen = EnumSet.noneOf(Kind.class);
        for (Lane lane : Lane.values()) {
            for (Fault f : draw(schedule, lane, 200)) {
                seen.add(f.kind());
                assertThat(f.kind().lane).isEqualTo(lane);
                assertThat(f.calmBefore()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
                switch (f.kind()) {
                    case SERVER_KILL9, SERVER_PAUSE, SERVER_RESTART -> assertThat(f.target()).isBetween(FaultSchedule.LEADER, 2);
                    case WORKER_KILL9, WORKER_PAUSE -> assertThat(f.target()).isBetween(0, 2);
                    case LOCK_CLIENT_KILL9 -> assertThat(f.target()).isBetween(0, 1);
                    case SESSION_EXPIRY -> assertThat(f.target()).isBetween(0, 6);
                    case LOCK_HOLDER_PAUSE -> assertThat(f.hold()).isEqualTo(HOLDER_PAUSE);
                }
                if (f.kind() != Kind.LOCK_HOLDER_PAUSE) {
                    assertThat(f.hold().toMillis()).isBetween((long) f.kind().minHoldMillis, (long) f.kind().maxHoldMillis);
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(Kind.values());
    }
}
