package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.recovery.assignment.WorkFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.curator.framework.CuratorFramework;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link WorkFleet} of four worker JVMs against a 3-server process ensemble, while a worker is
 * killed with kill -9 (and started again), another is frozen with SIGSTOP past its session, the
 * leader is killed with kill -9, a ZooKeeper server is killed and restarted, and another is frozen
 * with SIGSTOP. Afterwards every
 * task completed exactly once, committed exactly once, its checkpoint at the end, and no
 * checkpoint write was accepted from an epoch older than one already written.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FleetUnderFaultsIT {
    private static final int TASKS = 30;
    private static final int STEPS = 12;
    private static final Duration STEP = Duration.ofMillis(150);
    private static final Duration SESSION = Duration.ofSeconds(3);

    @Test
    void everyTaskCompletesOnceThroughWorkerLeaderAndServerFaults() throws Exception {
        List<String> tasks = IntStream.range(0, TASKS).mapToObj(i -> String.format("table-%02d", i)).toList();
        Map<String, ChildJvm> workers = new LinkedHashMap<>();
        List<ChildJvm> all = new ArrayList<>();
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
                ToolkitClient observer = ToolkitClient.open(ToolkitSettings.builder()
                        .set(ToolkitKeys.CONNECT, ensemble.connectString())
                        .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                        .build())) {
            CuratorFramework curator = observer.curator();
            for (String t : tasks) {
                curator.create().creatingParentsIfNeeded().forPath(FleetWorkerMain.AUDIT + "/" + t);
            }
            for (String id : List.of("w1", "w2", "w3", "w4")) {
                ChildJvm w = worker(ensemble, id);
                workers.put(id, w);
                all.add(w);
            }
            for (ChildJvm w : workers.values()) {
                w.awaitLine(l -> l.equals("READY"), Duration.ofSeconds(60));
            }
            WorkFleet.submit(observer, FleetWorkerMain.FLEET, tasks);
            String firstLeader = awaitLeader(workers);

            // Faults, a second or two apart, while tasks run.
            Thread.sleep(2_000);
            String killedWorker = pick(workers, firstLeader, 0);
            workers.get(killedWorker).kill9();
            ensemble.kill9(0);
            Thread.sleep(1_000);
            String frozen = pick(workers, firstLeader, 1);
            workers.get(frozen).pause();
            Thread.sleep(1_000);
            workers.get(firstLeader).kill9();
            Thread.sleep(SESSION.toMillis() + 2_000);
            workers.get(frozen).resume();
            ensemble.restart(0);
            // A server that stops answering without closing its sockets: its clients must move away.
            ensemble.awaitQuorum(Duration.ofSeconds(60));
            ensemble.pause(1);
            Thread.sleep(SESSION.toMillis());
            ensemble.resume(1);
            ChildJvm restarted = worker(ensemble, killedWorker);
            all.add(restarted);
            workers.put(killedWorker, restarted);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (curator.getChildren().forPath("/fleets/" + FleetWorkerMain.FLEET + "/done").size() < TASKS) {
                assertThat(System.nanoTime()).as("every task completes\n" + outputs(all)).isLessThan(deadline);
                Thread.sleep(200);
            }

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(FleetAudit.violations(FleetAudit.read(observer, tasks), Integer.toString(STEPS)))
                    .as("commits, completions and checkpoints of every task").isEmpty();
            soft.assertThat(workers.get(frozen).lines().stream().filter(l -> l.startsWith("IDENTITY")).count())
                    .as("the frozen worker lost its session and came back under a new identity").isGreaterThanOrEqualTo(2);
            soft.assertThat(all.stream().flatMap(w -> w.lines().stream()).filter(l -> l.startsWith("LEADER")).count())
                    .as("a new leader took over").isGreaterThanOrEqualTo(2);
            soft.assertAll();
            System.out.println("Faults: killed " + killedWorker + " and leader " + firstLeader + ", froze " + frozen
                    + ", killed server 0, froze server 1. Refused stale writes, revoked runs and takeovers:");
            all.forEach(w -> w.lines().stream().filter(l -> l.startsWith("REFUSED") || l.startsWith("REVOKED") || l.startsWith("LEADER"))
                    .forEach(l -> System.out.println("  " + w.name() + ": " + l)));
        } finally {
            all.forEach(ChildJvm::close);
        }
    }

    private static ChildJvm worker(ProcessEnsemble ensemble, String id) {
        return FleetWorkerMain.start(ensemble.connectString(), id, SESSION, STEPS, STEP);
    }

    /** The first worker that reports leading. */
    private static String awaitLeader(Map<String, ChildJvm> workers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, ChildJvm> w : workers.entrySet()) {
                if (w.getValue().lines().stream().anyMatch(l -> l.startsWith("LEADER"))) {
                    return w.getKey();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader within 30 s\n" + outputs(workers.values()));
    }

    /** The {@code n}-th worker that is not the leader. */
    private static String pick(Map<String, ChildJvm> workers, String leader, int n) {
        return workers.keySet().stream().filter(id -> !id.equals(leader)).toList().get(n);
    }

    private static String outputs(java.util.Collection<ChildJvm> workers) {
        StringBuilder out = new StringBuilder();
        workers.forEach(w -> out.append("--- ").append(w.name()).append('\n').append(w.recentOutput()).append('\n'));
        return out.toString();
    }
}
