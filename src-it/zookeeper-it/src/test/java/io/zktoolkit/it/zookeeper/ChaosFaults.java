package io.zktoolkit.it.zookeeper;

import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SessionExpiry;
import io.zktoolkit.it.zookeeper.FaultSchedule.Fault;
import io.zktoolkit.it.zookeeper.FaultSchedule.Kind;
import io.zktoolkit.it.zookeeper.FaultSchedule.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link FaultSchedule}'s two lanes side by side for a fixed time and counts what it injected.
 * Every fault is undone before its lane draws the next (restart, SIGCONT, a new JVM), and the server
 * lane waits for a full quorum before taking a server down, so at most one of three is ever down.
 */
final class ChaosFaults {
    private static final Duration QUORUM_WAIT = Duration.ofSeconds(60);

    private final FaultSchedule schedule;
    private final ProcessEnsemble ensemble;
    private final JvmPool workers;
    private final JvmPool lockClients;
    private final LockHolders lockHolders;
    private final InProcessClients inProcess;
    private final Map<Kind, Integer> injected = Collections.synchronizedMap(new EnumMap<>(Kind.class));
    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private long started;

    ChaosFaults(FaultSchedule schedule, ProcessEnsemble ensemble, JvmPool workers, JvmPool lockClients,
            LockHolders lockHolders, InProcessClients inProcess) {
        this.schedule = schedule;
        this.ensemble = ensemble;
        this.workers = workers;
        this.lockClients = lockClients;
        this.lockHolders = lockHolders;
        this.inProcess = inProcess;
    }

    /** Injects faults for {@code duration}, then returns once both lanes have undone their last fault. */
    void runFor(Duration duration) throws InterruptedException {
        started = System.nanoTime();
        long deadline = started + duration.toNanos();
        List<Thread> lanes = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            Thread t = new Thread(() -> runLane(lane, deadline), "soak-faults-" + lane.name().toLowerCase(Locale.ROOT));
            lanes.add(t);
            t.start();
        }
        for (Thread t : lanes) {
            t.join();
        }
    }

    private void runLane(Lane lane, long deadline) {
        try {
            while (true) {
                Fault fault = schedule.next(lane);
                Thread.sleep(fault.calmBefore().toMillis());
                if (System.nanoTime() >= deadline) {
                    return;
                }
                inject(fault);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            // A fault that cannot be undone (a server that never serves again) ends the lane and fails the soak.
            failures.add(lane + " lane stopped: " + e);
            note(lane + " lane stopped: " + e.toString().lines().findFirst().orElse(""));
        }
    }

    private void inject(Fault f) throws Exception {
        String what = switch (f.kind()) {
            case SERVER_KILL9 -> {
                int server = server(f);
                ensemble.kill9(server);
                Thread.sleep(f.hold().toMillis());
                ensemble.restart(server);
                yield "kill -9 server " + server + ", restarted after " + f.hold().toMillis() + " ms";
            }
            case SERVER_PAUSE -> {
                int server = server(f);
                ensemble.pause(server);
                Thread.sleep(f.hold().toMillis());
                ensemble.resume(server);
                yield "SIGSTOP server " + server + " for " + f.hold().toMillis() + " ms";
            }
            case SERVER_RESTART -> {
                int server = server(f);
                ensemble.restart(server);
                yield "restart server " + server;
            }
            case WORKER_KILL9 -> {
                String name = workers.get(f.target()).name();
                workers.kill9(f.target());
                Thread.sleep(f.hold().toMillis());
                workers.restart(f.target());
                yield "kill -9 " + name + ", restarted after " + f.hold().toMillis() + " ms";
            }
            case WORKER_PAUSE -> {
                var worker = workers.get(f.target());
                worker.pause();
                Thread.sleep(f.hold().toMillis());
                worker.resume();
                yield "SIGSTOP " + worker.name() + " for " + f.hold().toMillis() + " ms";
            }
            case LOCK_HOLDER_PAUSE -> {
                Optional<String> frozen = lockHolders.pauseHolder(f.hold());
                if (frozen.isEmpty()) {
                    yield null;
                }
                yield "SIGSTOP lock holder " + frozen.get() + " for " + f.hold().toMillis() + " ms";
            }
            case LOCK_CLIENT_KILL9 -> {
                String name = lockClients.get(f.target()).name();
                lockClients.kill9(f.target());
                Thread.sleep(f.hold().toMillis());
                lockClients.restart(f.target());
                yield "kill -9 " + name + ", replaced after " + f.hold().toMillis() + " ms by " + lockClients.get(f.target()).name();
            }
            case SESSION_EXPIRY -> {
                InProcessClients.Named victim = inProcess.all().get(f.target());
                SessionExpiry.expire(victim.client().curator().getZookeeperClient().getZooKeeper(), inProcess.connectString());
                yield "expire the session of " + victim.name();
            }
        };
        if (what == null) {
            note("(" + f + ": nothing to do, skipped)");
            return;
        }
        injected.merge(f.kind(), 1, Integer::sum);
        note(what);
    }

    /** The fault's server, once every server serves again after the previous fault. */
    private int server(Fault f) {
        ensemble.awaitQuorum(QUORUM_WAIT);
        if (f.target() != FaultSchedule.LEADER) {
            return f.target();
        }
        return ensemble.leaderIndex().orElseThrow(() -> new AssertionError("no leader after the quorum formed"));
    }

    private void note(String event) {
        timeline.add(String.format(Locale.ROOT, "%6.1f s  %s", (System.nanoTime() - started) / 1e9, event));
    }

    Map<Kind, Integer> injected() {
        return injected;
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<String> timeline() {
        return timeline;
    }

    /** Lanes that stopped early, and why. */
    List<String> failures() {
        return failures;
    }
}
