package io.zktoolkit.recovery.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.sync.checkpoint.Checkpoint;
import io.zktoolkit.sync.checkpoint.CheckpointOrder;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkFleetTest {
    private QuorumClients zk;
    private ToolkitClient audit;
    /** Every fenced commit ZooKeeper accepted, per task: the resource the tasks write to. */
    private final Map<String, List<String>> accepted = new ConcurrentHashMap<>();
    private final Map<String, List<String>> refused = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        zk = new QuorumClients();
        audit = zk.open();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    private static List<String> tasks(int n) {
        return IntStream.range(0, n).mapToObj(i -> String.format("table-%02d", i)).toList();
    }

    /**
     * A task that moves its checkpoint in steps of {@code steps}, each a fenced write, then makes
     * one fenced commit to the audit log; resumes from the checkpoint when restarted.
     */
    private TaskRunner steppingTask(String member, int steps, Duration stepPause) {
        return ctx -> {
            Checkpoint checkpoint = CheckpointStore.builder(audit).build().checkpoint("fleet/" + ctx.task(), CheckpointOrder.NUMERIC);
            int from = checkpoint.read().value().map(Integer::parseInt).orElse(0);
            for (int step = from + 1; step <= steps; step++) {
                Thread.sleep(stepPause.toMillis());
                ctx.checkCurrent();
                checkpoint.advance(ctx.lease(), Integer.toString(step), member + "@" + ctx.epoch());
            }
            commitWithCompletion(ctx, member);
            return "resumed at " + from;
        };
    }

    /** The task's one commit, in the transaction that records its completion: once, even when a run is cut off. */
    private void commitWithCompletion(TaskContext ctx, String member) throws Exception {
        ctx.addToCompletion(audit.curator().transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath("/audit/" + ctx.task() + "/commit-", (member + "@" + ctx.epoch()).getBytes(StandardCharsets.UTF_8)));
    }

    /** A commit on its own, as a careless runner makes it: refused when the run no longer holds the task. */
    private void commit(TaskContext ctx, String member) throws Exception {
        try {
            ctx.lease().fencedWrite(List.of(audit.curator().transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath("/audit/" + ctx.task() + "/commit-", (member + "@" + ctx.epoch()).getBytes(StandardCharsets.UTF_8))));
            accepted.computeIfAbsent(ctx.task(), t -> new ArrayList<>()).add(member + "@" + ctx.epoch());
        } catch (LockLostException e) {
            refused.computeIfAbsent(ctx.task(), t -> new ArrayList<>()).add(member + "@" + ctx.epoch());
            throw e;
        }
    }

    private WorkFleet member(String id, TaskRunner runner) {
        return member(zk.open(), id, runner);
    }

    private WorkFleet member(ToolkitClient client, String id, TaskRunner runner) {
        WorkFleet fleet = zk.closeLater(WorkFleet.builder(client, "imports", id, runner)
                .heartbeatInterval(Duration.ofMillis(200)).suspectAfter(Duration.ofSeconds(1)).build());
        fleet.start();
        return fleet;
    }

    private void prepareAudit(List<String> tasks) throws Exception {
        for (String t : tasks) {
            audit.curator().create().creatingParentsIfNeeded().forPath("/audit/" + t);
        }
    }

    /** Commits ZooKeeper holds per task, read back from the servers. */
    private Map<String, Integer> commitsInZooKeeper(List<String> tasks) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (String t : tasks) {
            out.put(t, audit.curator().getChildren().forPath("/audit/" + t).size());
        }
        return out;
    }

    @Test
    void everyTaskCompletesOnceSpreadOverTheMembers() throws Exception {
        List<String> tasks = tasks(24);
        prepareAudit(tasks);
        WorkFleet.submit(audit, "imports", tasks);
        List<WorkFleet> members = new ArrayList<>();
        for (String id : List.of("w1", "w2", "w3")) {
            members.add(member(id, steppingTask(id, 2, Duration.ofMillis(10))));
        }
        assertThat(members.get(0).awaitAllDone(Duration.ofSeconds(60))).isTrue();
        assertThat(commitsInZooKeeper(tasks).values()).containsOnly(1);
        Map<String, Long> perMember = members.get(0).completions().values().stream()
                .collect(Collectors.groupingBy(Completion::memberId, Collectors.counting()));
        assertThat(perMember.keySet()).as("the ring spreads the tasks").containsExactlyInAnyOrder("w1", "w2", "w3");
        assertThat(members.stream().filter(m -> m.leadership().state() == io.zktoolkit.recovery.failover.ActiveStandby.State.ACTIVE))
                .hasSize(1);
    }

    @Test
    void aMemberWhoseSessionEndsHasItsTasksFinishedElsewhereFromTheirCheckpoints() throws Exception {
        List<String> tasks = tasks(12);
        prepareAudit(tasks);
        WorkFleet.submit(audit, "imports", tasks);
        ToolkitClient victimClient = zk.open(Duration.ofSeconds(3));
        CountDownLatch victimWorking = new CountDownLatch(1);
        TaskRunner slow = steppingTask("w1", 5, Duration.ofMillis(150));
        WorkFleet victim = member(victimClient, "w1", ctx -> {
            victimWorking.countDown();
            return slow.run(ctx);
        });
        WorkFleet w2 = member("w2", steppingTask("w2", 5, Duration.ofMillis(20)));
        member("w3", steppingTask("w3", 5, Duration.ofMillis(20)));
        assertThat(victimWorking.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(400);
        zk.expireSession(victimClient);

        assertThat(w2.awaitAllDone(Duration.ofSeconds(60))).isTrue();
        assertThat(commitsInZooKeeper(tasks).values()).as("one accepted commit per task").containsOnly(1);
        Map<String, Completion> done = w2.completions();
        assertThat(done).hasSize(12);
        assertThat(done.values()).as("tasks of w1's first identity were finished elsewhere or by its new identity, resuming")
                .anyMatch(c -> c.result().startsWith("resumed at ") && !c.result().equals("resumed at 0"));
        for (String task : tasks) {
            Checkpoint checkpoint = CheckpointStore.builder(audit).build().checkpoint("fleet/" + task, CheckpointOrder.NUMERIC);
            assertThat(checkpoint.read().value()).contains("5");
        }
        long rejoinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (victim.membership().joins() < 2 && System.nanoTime() < rejoinDeadline) {
            Thread.sleep(50);
        }
        assertThat(victim.membership().joins()).as("w1 rejoined under a new identity").isEqualTo(2);
    }

    @Test
    void aJoiningMemberTakesAboutAQuarterOfTheTasksAndAMovedWorkerCannotCommit() throws Exception {
        List<String> tasks = tasks(40);
        prepareAudit(tasks);
        WorkFleet.submit(audit, "imports", tasks);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> firstOwner = new ConcurrentHashMap<>();
        Map<String, LockLostException> movedAway = new ConcurrentHashMap<>();
        // Tasks block until released; a run that is moved away ignores the interrupt, as a
        // careless runner would, and tries to commit anyway: the fence must refuse it.
        TaskRunner stubborn = ctx -> {
            String me = Thread.currentThread().getName();
            firstOwner.putIfAbsent(ctx.task(), me);
            try {
                release.await();
            } catch (InterruptedException moved) {
                try {
                    commit(ctx, "moved-away");
                } catch (LockLostException e) {
                    movedAway.put(ctx.task(), e);
                }
                throw moved;
            }
            commit(ctx, "worker");
            return "ok";
        };
        List<WorkFleet> members = new ArrayList<>();
        for (String id : List.of("w1", "w2", "w3")) {
            members.add(zk.closeLater(WorkFleet.builder(zk.open(), "imports", id, stubborn).parallelism(40)
                    .heartbeatInterval(Duration.ofMillis(200)).build()));
            members.get(members.size() - 1).start();
            if (id.equals("w1")) {
                // w1 alone first takes every task, so the next two joins already move running work.
                awaitSettled(members.get(0), 1);
            }
        }
        Map<String, String> before = awaitSettled(members.get(0), 3);
        // Members joined one by one, so runs already moved while the first assignments spread; those
        // refusals were real but are not the ones this test counts.
        Thread.sleep(300);
        movedAway.clear();

        WorkFleet w4 = zk.closeLater(WorkFleet.builder(zk.open(), "imports", "w4", stubborn).parallelism(40)
                .heartbeatInterval(Duration.ofMillis(200)).build());
        w4.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!owners(members.get(0)).containsValue("w4")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(500);
        Map<String, String> after = owners(members.get(0));
        List<String> moved = tasks.stream().filter(t -> !before.get(t).equals(after.get(t))).toList();
        assertThat(moved).as("moved tasks all went to the newcomer").allMatch(t -> after.get(t).equals("w4"));
        assertThat(moved.size()).as("about 1/4 of 40 moved").isBetween(4, 18);

        release.countDown();
        assertThat(w4.awaitAllDone(Duration.ofSeconds(60))).isTrue();
        assertThat(commitsInZooKeeper(tasks).values()).containsOnly(1);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (movedAway.size() < moved.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(movedAway.keySet()).as("every moved-away run's commit was refused").containsExactlyInAnyOrderElementsOf(moved);
        assertThat(movedAway.values()).allSatisfy(e -> assertThat(e).hasMessageContaining("no longer held"));
        assertThat(accepted.values().stream().flatMap(List::stream)).noneMatch(s -> s.startsWith("moved-away"));
    }

    @Test
    void theLeaderDyingLeavesAssignmentsToTheNextLeader() throws Exception {
        List<String> tasks = tasks(10);
        prepareAudit(tasks);
        CountDownLatch release = new CountDownLatch(1);
        TaskRunner waiting = ctx -> {
            release.await();
            commitWithCompletion(ctx, "w");
            return "ok";
        };
        ToolkitClient firstClient = zk.open(Duration.ofSeconds(3));
        WorkFleet first = member(firstClient, "w1", waiting);
        assertThat(first.leadership().state()).isIn(io.zktoolkit.recovery.failover.ActiveStandby.State.ACTIVE,
                io.zktoolkit.recovery.failover.ActiveStandby.State.FENCING, io.zktoolkit.recovery.failover.ActiveStandby.State.STANDBY);
        WorkFleet second = member("w2", waiting);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (first.leadership().state() != io.zktoolkit.recovery.failover.ActiveStandby.State.ACTIVE) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
        zk.expireSession(firstClient);
        WorkFleet.submit(audit, "imports", tasks);
        release.countDown();
        assertThat(second.awaitAllDone(Duration.ofSeconds(60))).isTrue();
        assertThat(commitsInZooKeeper(tasks).values()).containsOnly(1);
    }

    @Test
    void badTaskNamesAreRefusedBeforeAnythingIsWritten() throws Exception {
        assertThatThrownBy(() -> WorkFleet.submit(audit, "imports", List.of("orders", "a/b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Invalid task name 'a/b'");
        assertThat(audit.curator().checkExists().forPath(new FleetLayout("imports").task("orders"))).isNull();
        assertThatThrownBy(() -> WorkFleet.builder(audit, "imports", "w", ctx -> "").parallelism(0))
                .hasMessageContaining("parallelism must be between 1 and 64");
    }

    /** The owners once every task is assigned over {@code members} members and nothing moved for a second. */
    private static Map<String, String> awaitSettled(WorkFleet fleet, int members) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, String> last = Map.of();
        long stableSince = System.nanoTime();
        while (true) {
            assertThat(System.nanoTime()).as("assignments settle").isLessThan(deadline);
            Map<String, String> now = owners(fleet);
            boolean complete = !now.containsValue("") && new java.util.HashSet<>(now.values()).size() == members;
            if (!now.equals(last) || !complete) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            Thread.sleep(50);
        }
    }

    private static Map<String, String> owners(WorkFleet fleet) {
        Map<String, String> out = new HashMap<>();
        fleet.assignments().forEach((t, a) -> out.put(t, a.memberId()));
        return out;
    }
}
