package io.zktoolkit.it.zookeeper;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ParentWatch;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.assignment.TaskContext;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.recovery.testing.FleetConsole;
import io.zktoolkit.sync.checkpoint.Checkpoint;
import io.zktoolkit.sync.checkpoint.CheckpointOrder;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * Child-JVM main for {@link FleetUnderFaultsIT}: one member of the fleet {@value #FLEET}. Each task
 * moves its checkpoint through {@code steps} steps (resuming from it when restarted), then commits
 * once to the task's audit node, unless a commit is there already, all through the run's fenced
 * lease. It prints {@code IDENTITY <node>} on each join, {@code LEADER <token>} when it becomes the
 * fleet's leader, {@code STARTED}, {@code COMMITTED}, {@code REFUSED} and {@code REVOKED} lines per
 * run. Arguments: connect string, member id, session timeout ms, steps, step ms.
 */
public final class FleetWorkerMain {
    static final String FLEET = "faults";
    static final String AUDIT = "/commit-ledger";

    private FleetWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.haltWhenParentExits();
        String memberId = args[1];
        int steps = Integer.parseInt(args[3]);
        long stepMillis = Long.parseLong(args[4]);
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[2])))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[2])))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        CuratorFramework curator = zk.curator();
        CheckpointStore store = CheckpointStore.builder(zk).historySize(64).build();
        WorkFleet fleet = WorkFleet.builder(zk, FLEET, memberId, ctx -> {
            Checkpoint checkpoint = store.checkpoint("fleet/" + ctx.task(), CheckpointOrder.NUMERIC);
            int from = checkpoint.read().value().map(Integer::parseInt).orElse(0);
            String run = memberId + "@" + ctx.epoch();
            try {
                for (int step = from + 1; step <= steps; step++) {
                    Thread.sleep(stepMillis);
                    checkpoint.advance(ctx.lease(), Integer.toString(step), run);
                }
                commitOnce(curator, ctx, run);
            } catch (LockLostException | io.zktoolkit.sync.checkpoint.CheckpointRejectedException e) {
                say("REFUSED " + ctx.task() + " " + run + " " + e.getMessage().replace('\n', ' '));
                throw e;
            }
            return "from " + from;
        }).heartbeatInterval(Duration.ofMillis(250)).suspectAfter(Duration.ofSeconds(1))
                .taskListener(FleetConsole.taskLines()).build();
        FleetConsole.runUntilKilled(fleet);
    }

    /** The task's one commit: skipped when an earlier run committed and died before completing. */
    private static void commitOnce(CuratorFramework curator, TaskContext ctx, String run) throws Exception {
        String audit = AUDIT + "/" + ctx.task();
        if (!curator.getChildren().forPath(audit).isEmpty()) {
            say("ALREADY " + ctx.task() + " " + run);
            return;
        }
        ctx.checkCurrent();
        ctx.lease().fencedWrite(List.of(curator.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(audit + "/commit-", run.getBytes(StandardCharsets.UTF_8))));
        say("COMMITTED " + ctx.task() + " " + run);
    }

    /**
     * Starts a worker JVM.
     *
     * @param session the worker's session timeout
     * @param steps checkpoint steps per task
     * @param step time each step takes
     */
    static ChildJvm start(String connectString, String memberId, Duration session, int steps, Duration step) {
        return ClientJvms.builder(FleetWorkerMain.class, "fleet-" + memberId)
                .args(connectString, memberId, Long.toString(session.toMillis()), Integer.toString(steps),
                        Long.toString(step.toMillis()))
                .start();
    }

    private static void say(String line) {
        FleetConsole.say(line);
    }
}
