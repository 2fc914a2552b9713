package io.zktoolkit.recovery.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.recovery.FleetLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
    private QuorumClients zk;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private FailureDetector detector(ToolkitClient client) {
        FailureDetector detector = zk.closeLater(FailureDetector.create(client, "imports", Duration.ofMillis(600)));
        detector.addListener(new MemberHealthListener() {
            @Override
            public void joined(MemberRecord member) {
                events.add("joined " + member.memberId() + " " + member.node());
            }

            @Override
            public void suspect(MemberRecord member, Duration silentFor) {
                events.add("suspect " + member.memberId());
            }

            @Override
            public void recovered(MemberRecord member) {
                events.add("recovered " + member.memberId());
            }

            @Override
            public void dead(MemberRecord member) {
                events.add("dead " + member.memberId() + " " + member.node());
            }
        });
        detector.start();
        return detector;
    }

    private String next() throws InterruptedException {
        String event = events.poll(20, TimeUnit.SECONDS);
        assertThat(event).as("an event within 20 s").isNotNull();
        return event;
    }

    @Test
    void aMemberJoinsBeatsAndLeavesWithItsRecord() throws Exception {
        FailureDetector detector = detector(zk.open());
        FleetMembership worker = zk.closeLater(FleetMembership.builder(zk.open(), "imports", "worker-1")
                .heartbeatInterval(Duration.ofMillis(100)).load(() -> 0.5).build());
        worker.start();
        worker.reportProgress("orders: 40%");
        String node = worker.node().orElseThrow();
        assertThat(next()).isEqualTo("joined worker-1 " + node);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (detector.members().isEmpty() || detector.members().get(0).record().heartbeat() < 3) {
            assertThat(System.nanoTime()).as("heartbeats arrive").isLessThan(deadline);
            Thread.sleep(20);
        }
        MemberRecord seen = detector.members().get(0).record();
        assertThat(seen.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(seen.load()).isEqualTo(0.5);
        assertThat(seen.progress()).isEqualTo("orders: 40%");
        assertThat(detector.members().get(0).health()).isEqualTo(MemberHealth.ALIVE);

        worker.close();
        assertThat(next()).as("a clean leave is seen at once").isEqualTo("dead worker-1 " + node);
        assertThat(detector.members()).isEmpty();
    }

    @Test
    void aStalledHeartbeatIsSuspectAndRecoversWithoutDying() throws Exception {
        detector(zk.open());
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FleetMembership worker = zk.closeLater(FleetMembership.builder(zk.open(), "imports", "worker-2")
                .heartbeatInterval(Duration.ofMillis(100)).load(() -> {
                    if (stalled.getCount() == 0) {
                        try {
                            // The heartbeat thread hangs as in a long GC pause; the session lives on.
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return 0;
                }).build());
        worker.start();
        assertThat(next()).startsWith("joined worker-2");
        stalled.countDown();
        assertThat(next()).isEqualTo("suspect worker-2");
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("suspicion is not death").isNull();
        release.countDown();
        assertThat(next()).isEqualTo("recovered worker-2");
    }

    @Test
    void anExpiredSessionIsDeathAndTheMemberRejoinsUnderANewIdentity() throws Exception {
        detector(zk.open());
        ToolkitClient client = zk.open();
        FleetMembership worker = zk.closeLater(FleetMembership.builder(client, "imports", "worker-3")
                .heartbeatInterval(Duration.ofMillis(100)).build());
        BlockingQueue<String> own = new LinkedBlockingQueue<>();
        worker.addListener((state, node) -> own.add(state + " " + node));
        worker.start();
        String first = worker.node().orElseThrow();
        assertThat(next()).isEqualTo("joined worker-3 " + first);
        assertThat(own.poll(20, TimeUnit.SECONDS)).isEqualTo("JOINED " + first);

        zk.expireSession(client);
        assertThat(next()).isEqualTo("dead worker-3 " + first);
        String second = next();
        assertThat(second).startsWith("joined worker-3 ").isNotEqualTo("joined worker-3 " + first);
        assertThat(own.poll(20, TimeUnit.SECONDS)).isEqualTo("REJOINING null");
        assertThat(own.poll(20, TimeUnit.SECONDS)).startsWith("JOINED ").isNotEqualTo("JOINED " + first);
        assertThat(worker.joins()).isEqualTo(2);
        assertThat(FailureDetector.sequenceOf(worker.node().orElseThrow())).isGreaterThan(FailureDetector.sequenceOf(first));
    }

    @Test
    void aServerKilledUnderTheMembersIsNeitherSuspicionNorDeath() throws Exception {
        detector(zk.open(Duration.ofSeconds(8)));
        FleetMembership worker = zk.closeLater(FleetMembership.builder(zk.open(Duration.ofSeconds(8)), "imports", "worker-4")
                .heartbeatInterval(Duration.ofMillis(100)).build());
        worker.start();
        assertThat(next()).startsWith("joined worker-4");
        zk.quorum().kill(0);
        Thread.sleep(4_000);
        assertThat(events).as("a lost server moves clients, it kills no member").noneMatch(e -> e.startsWith("dead"));
        assertThat(worker.node()).isPresent();
    }

    @Test
    void badNamesAndForeignNodesAreRefusedOrSkipped() throws Exception {
        ToolkitClient client = zk.open();
        assertThatThrownBy(() -> FleetMembership.builder(client, "../etc", "w")).hasMessageContaining("Invalid fleet name '../etc'");
        assertThatThrownBy(() -> FleetMembership.builder(client, "imports", "w/1")).hasMessageContaining("Invalid member id 'w/1'");
        assertThatThrownBy(() -> FleetMembership.builder(client, "imports", "w").heartbeatInterval(Duration.ofMillis(1)))
                .hasMessageContaining("heartbeatInterval must be between 50 ms and 1 min");
        FleetLayout layout = new FleetLayout("imports");
        client.curator().create().creatingParentsIfNeeded().forPath(layout.members() + "/junk", "not a member".getBytes(StandardCharsets.UTF_8));
        FailureDetector detector = detector(client);
        FleetMembership worker = zk.closeLater(FleetMembership.builder(zk.open(), "imports", "worker-5").build());
        worker.start();
        assertThat(next()).startsWith("joined worker-5");
        assertThat(detector.members()).extracting(s -> s.record().memberId()).isEqualTo(List.of("worker-5"));
    }
}
