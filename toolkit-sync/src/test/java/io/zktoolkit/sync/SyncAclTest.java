package io.zktoolkit.sync;

import static io.zktoolkit.config.testing.AclClients.assertEveryNodeHas;
import static io.zktoolkit.config.testing.AclClients.assertRefused;
import static io.zktoolkit.config.testing.AclClients.root;
import static io.zktoolkit.config.testing.AclClients.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.AclClients;
import io.zktoolkit.sync.barrier.DoubleBarrier;
import io.zktoolkit.sync.shared.DistributedCounter;
import io.zktoolkit.sync.shared.SharedValue;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import io.zktoolkit.sync.state.RunState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Job board, barriers, counters and shared values under {@code zk.acl}: nobody but alice changes
 * her job's status, counter, shared value or barrier. Real ZooKeeper server.
 */
class SyncAclTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final AclClients clients = new AclClients();

    @AfterEach
    void close() {
        clients.close();
    }

    /** Alice's job (left RUNNING by a publisher that closed: abandoned, so resumable), counter, shared value and an open barrier. */
    private void aliceState(ToolkitClient alice) throws Exception {
        JobBoard board = clients.closeLater(JobBoard.builder(alice).waitTimeout(WAIT).build());
        board.start();
        try (JobReporter job = board.publish("orders")) {
            job.running();
            job.task("part-0").succeeded(Map.of("rows", "600"));
            assertThat(job.flush(WAIT)).isTrue();
        }
        DistributedCounter.named(alice, "imports/rows").add(600);
        SharedValue owner = SharedValue.named(alice, "imports/owner", "");
        assertThat(owner.compareAndSet(owner.get(), "alice")).isTrue();
        DoubleBarrier.builder(alice, "stage-1").parties(1).memberId("alice").build().enter(WAIT);
    }

    @ParameterizedTest
    @EnumSource(AclMode.class)
    void everyNodeOfJobsBarriersCountersAndSharedValuesCarriesTheAclMode(AclMode mode) throws Exception {
        ToolkitClient alice = clients.alice(mode);
        aliceState(alice);
        // a live publisher's marker too
        JobBoard board = clients.closeLater(JobBoard.builder(alice).waitTimeout(WAIT).build());
        board.start();
        clients.closeLater(board.publish("customers")).running();

        // namespace root, /jobs, two jobs, their tasks folders, a task, a marker, counter, value, barrier nodes
        assertThat(assertEveryNodeHas(mode, alice, p -> false)).isGreaterThanOrEqualTo(14);
    }

    @Test
    void anotherUserOrAnonymousCannotChangeAliceJobCounterSharedValueOrBarrier() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR_WORLD_READ);
        aliceState(alice);

        for (ToolkitClient other : new ToolkitClient[] {clients.mallory(), clients.anonymous()}) {
            JobBoard board = clients.closeLater(JobBoard.builder(other).waitTimeout(WAIT).build());
            board.start();   // reading is allowed under creator-world-read
            assertThat(board.job("orders").orElseThrow().isAbandoned()).isTrue();
            assertThat(assertRefused(alice, "/zktoolkit/jobs/orders", () -> board.resume("orders")))
                    .hasMessageStartingWith("Access denied: could not resume job orders");
            assertThat(assertRefused(alice, "/zktoolkit/jobs/evil", () -> board.publish("evil")))
                    .hasMessageStartingWith("Access denied: could not publish job evil");

            DistributedCounter counter = DistributedCounter.named(other, "imports/rows");
            assertThat(counter.get()).isEqualTo(600);
            assertThat(assertRefused(alice, "/zktoolkit/counters/imports/rows", counter::increment))
                    .hasMessageStartingWith("Access denied: could not write shared value /counters/imports/rows");

            SharedValue owner = SharedValue.named(other, "imports/owner", "");
            assertRefused(alice, "/zktoolkit/values/imports/owner", () -> owner.compareAndSet(owner.get(), "mallory"));
            SharedValue fresh = SharedValue.named(other, "imports/fresh", "");
            assertRefused(alice, "/zktoolkit/values/imports/fresh", () -> fresh.compareAndSet(fresh.get(), "mine"));

            DoubleBarrier barrier = DoubleBarrier.builder(other, "stage-1").parties(1).memberId("intruder").build();
            assertThat(assertRefused(alice, "/zktoolkit/barriers/stage-1", () -> barrier.enter(WAIT)))
                    .hasMessageStartingWith("Access denied: could not arrive at barrier /barriers/stage-1");

            // by hand: ZooKeeper itself refuses to rewrite or delete her nodes
            Map<String, String> before = snapshot(alice);
            byte[] forged = "forged".getBytes(StandardCharsets.UTF_8);
            for (String path : new String[] {"/zktoolkit/jobs/orders", "/zktoolkit/jobs/orders/tasks/part-0",
                    "/zktoolkit/counters/imports/rows", "/zktoolkit/values/imports/owner"}) {
                assertThatThrownBy(() -> root(other).setData().forPath(path, forged))
                        .isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> root(other).delete().forPath(path))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThat(snapshot(alice)).isEqualTo(before);
        }
        // and alice carries on with what is hers
        JobBoard board = clients.closeLater(JobBoard.builder(alice).waitTimeout(WAIT).build());
        board.start();
        try (JobReporter job = board.resume("orders")) {
            job.succeeded();
            assertThat(job.flush(WAIT)).isTrue();
        }
        assertThat(board.awaitFinished("orders", WAIT).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(DistributedCounter.named(alice, "imports/rows").increment()).isEqualTo(601);
    }

    @Test
    void underCreatorAnotherUserCannotEvenReadTheCounterOrTheBoard() throws Exception {
        ToolkitClient alice = clients.alice(AclMode.CREATOR);
        aliceState(alice);
        ToolkitClient mallory = clients.mallory();

        assertThat(assertRefused(alice, "/zktoolkit/counters/imports/rows", DistributedCounter.named(mallory, "imports/rows")::get))
                .hasMessageStartingWith("Access denied: could not read shared value /counters/imports/rows");
        JobBoard board = clients.closeLater(JobBoard.builder(mallory).waitTimeout(WAIT).build());
        assertRefused(alice, "/zktoolkit/jobs", board::start);
    }
}
