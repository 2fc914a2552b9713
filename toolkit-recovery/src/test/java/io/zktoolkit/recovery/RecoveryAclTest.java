package io.zktoolkit.recovery;

import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static io.zktoolkit.config.testing.AclClients.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.AclClients;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.recovery.failover.ActiveService;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.failover.EpochFence;
import io.zktoolkit.recovery.failover.Takeover;
import io.zktoolkit.recovery.membership.FleetMembership;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Membership, work fleets and active/standby failover under {@code zk.acl}: nobody but alice
 * changes her fleet's members, tasks and assignments or her group's epoch. Real ZooKeeper server.
 */
class RecoveryAclTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FLEET = "imports";
    private static final String GROUP = "orders-stream";
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    /** Does nothing but record that it runs. */
    private static final class Service implements ActiveService {
        volatile boolean active;

        @Override
        public void becomeActive(Takeover takeover) {
            active = true;
        }

        @Override
        public void becomeStandby(String why) {
            active = false;
        }
    }

    /**
     * Alice's fleet with both tasks done (its worker closed), her member in it (heartbeats a
     * minute apart, so the tree holds still meanwhile), and her active participant of a group.
     */
    private ActiveStandby aliceState(ToolkitClient alice) throws Exception {
        WorkFleet.submit(alice, FLEET, List.of("orders", "customers"));
        try (WorkFleet worker = WorkFleet.builder(alice, FLEET, "w1", ctx -> "done " + ctx.task()).build()) {
            worker.start();
            assertThat(worker.awaitAllDone(WAIT)).isTrue();
        }
        clients.closeLater(FleetMembership.builder(alice, FLEET, "monitor").heartbeatInterval(Duration.ofMinutes(1)).build())
                .start();
        // a first active leaves, so the second fences it: the epoch node exists
        try (ActiveStandby first = ActiveStandby.builder(alice, GROUP, "a0", new Service()).build()) {
            first.start();
            await(() -> first.state() == ActiveStandby.State.ACTIVE);
        }
        ActiveStandby active = clients.closeLater(ActiveStandby.builder(alice, GROUP, "a", new Service()).build());
        active.start();
        await(() -> active.state() == ActiveStandby.State.ACTIVE);
        assertThat(root(alice).checkExists().forPath("/zktoolkit/failover/" + GROUP + "/epoch")).isNotNull();
        return active;
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeOfFleetsMembersAssignmentsAndFailoverCarriesTheAclMode(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        aliceState(alice);
        // namespace root, fleet, tasks, done, assignments, completions, task locks, member, election, breadcrumb, epoch
        assertThat(assertEveryNodeHas(mode, alice, p -> false)).isGreaterThanOrEqualTo(15);
    }

    @Test
    void anotherUserOrAnonymousCannotChangeAliceMembershipAssignmentsOrEpoch() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        ActiveStandby aliceActive = aliceState(alice);
        String member = root(alice).getChildren().forPath("/zktoolkit/fleets/imports/members").get(0);

        for (ToolkitClient other : new ToolkitClient[] {clients.mallory(), clients.anonymous()}) {
            assertThat(assertRefused(alice, "/zktoolkit/fleets/imports/tasks",
                    () -> WorkFleet.submit(other, FLEET, List.of("evil"))))
                    .hasMessageStartingWith("Access denied: could not submit tasks to fleet imports");
            FleetMembership intruder = FleetMembership.builder(other, FLEET, "intruder").build();
            assertThat(assertRefused(alice, "/zktoolkit/fleets/imports/members", intruder::start))
                    .hasMessageStartingWith("Access denied: could not join fleet imports");
            assertThat(intruder.state()).isEqualTo(FleetMembership.State.CLOSED);

            // by hand: ZooKeeper itself refuses to reassign a task, forge a completion, evict her member or lower the epoch
            Map<String, String> before = snapshot(alice);
            byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
            for (String path : new String[] {"/zktoolkit/fleets/imports/tasks/orders", "/zktoolkit/fleets/imports/done/orders",
                    "/zktoolkit/fleets/imports/members/" + member, "/zktoolkit/failover/orders-stream/epoch",
                    "/zktoolkit/failover/orders-stream/active"}) {
                assertThatThrownBy(() -> root(other).setData().forPath(path, forged))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> root(other).delete().forPath(path))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThatThrownBy(() -> root(other).create().forPath("/zktoolkit/fleets/imports/done/customers-2", forged))
                    .isInstanceOf(KeeperException.NoAuthException.class);

            // a participant of her group never gets in line: Curator's latch logs the refusal in its background
            Service otherService = new Service();
            try (ActiveStandby standby = ActiveStandby.builder(other, GROUP, "b", otherService).build()) {
                standby.start();
                Thread.sleep(500);
                assertThat(standby.state()).isEqualTo(ActiveStandby.State.STANDBY);
                assertThat(otherService.active).isFalse();
            }
            assertThat(snapshot(alice)).as("the tree after the refused attempts").isEqualTo(before);
            assertThat(aliceActive.state()).isEqualTo(ActiveStandby.State.ACTIVE);
        }
    }

    @Test
    void underCreatorAnotherUserCannotEvenReadTheEpoch() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        aliceState(alice);
        EpochFence seen = new EpochFence(clients.mallory().curator(), "/failover/" + GROUP + "/epoch");
        assertThat(assertRefused(alice, "/zktoolkit/failover/orders-stream/epoch", seen::current))
                .hasMessageStartingWith("Access denied: could not read the epoch at /failover/orders-stream/epoch");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition within %s", WAIT).isNegative();
            Thread.sleep(20);
        }
    }
}
