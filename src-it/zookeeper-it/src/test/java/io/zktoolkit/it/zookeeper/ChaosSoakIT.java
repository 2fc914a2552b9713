package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.audit.AuditTrail;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.discovery.ServiceRegistry;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SyncedRead;
import io.zktoolkit.it.zookeeper.FaultSchedule.Kind;
import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Outcome;
import io.zktoolkit.it.zookeeper.SoakVerdict.Znode;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LeaderElection;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.EphemeralType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's coordination under seeded chaos: a work fleet in worker JVMs, lock clients
 * incrementing a fenced counter, config watchers following a publisher and discovery registrars
 * under a view all run at once against a 3-server process ensemble, while {@link ChaosFaults} kills,
 * freezes and restarts servers (one at a time: the quorum never goes) and kills, freezes and expires
 * clients, for {@code -Dsoak.duration} (default {@value #DEFAULT_DURATION}). Then every workload is
 * brought to rest and {@link SoakVerdict} checks: every task done exactly once, no stale holder's
 * write accepted by the fenced counter, every watcher and the view converged, no leaked znodes,
 * threads or file descriptors. The seed is printed at the start and in the summary; {@code
 * -Dsoak.seed=N} replays the same faults.
 */
class ChaosSoakIT {
    static final String DEFAULT_DURATION = "60s";

    private static final int WORKERS = 3;
    private static final Duration WORKER_SESSION = Duration.ofSeconds(3);
    private static final int STEPS = 4;
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int TASKS_PER_BATCH = 4;
    private static final Duration BATCH_EVERY = Duration.ofSeconds(2);

    private static final int LOCK_CLIENTS = 2;
    private static final Duration LOCK_SESSION = Duration.ofSeconds(2);
    /** Past the session timeout, the tick that expires it, and a new holder's first writes. */
    private static final Duration HOLDER_PAUSE = LOCK_SESSION.plusSeconds(2);
    private static final String LOCK_PATH = FencedMutex.ROOT + "/" + FencedCounter.LOCK_NAME;

    private static final int WATCHERS = 3;
    private static final int REGISTRARS = 2;

    private static final Duration SETTLE = Duration.ofSeconds(60);
    /**
     * Descriptors the JDK may open once on first use during the run and keep (a random source, a
     * selector of the HTTP-less JDK internals): a leak per client or per fault would be dozens.
     */
    private static final int FD_SLACK = 4;
    /**
     * Where the workloads keep persistent nodes; the config store's root is added at run time.
     * {@code /failover} holds the fleet leader's epoch fence and last active (ActiveStandby has no constant for it).
     */
    private static final Set<String> WORKLOAD_ROOTS = Set.of(FleetLayout.ROOT, FleetWorkerMain.AUDIT, CheckpointStore.ROOT,
            "/fenced-counter", FencedMutex.ROOT, LeaderElection.ROOT, ServiceRegistry.ROOT, "/failover",
            AuditTrail.DEFAULT_ROOT);

    @TempDir
    Path dir;

    @Test
    void pipelineCoordinationSurvivesSeededChaos() {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        Duration duration = Durations.parse(System.getProperty("soak.duration", DEFAULT_DURATION));
        System.out.println("Chaos soak: seed " + seed + ", faults for " + Durations.format(duration)
                + " (replay: -Dsoak.seed=" + seed + " -Dsoak.duration=" + Durations.format(duration) + ")");
        // Start-up, the fault phase, and the settling after it, each bounded; a hang fails instead of blocking the build.
        Assertions.assertTimeoutPreemptively(duration.plusMinutes(6), () -> soak(seed, duration));
    }

    private void soak(long seed, Duration duration) throws Exception {
        long started = System.nanoTime();
        SoakVerdict verdict = new SoakVerdict();
        List<String> operations = new ArrayList<>();
        ChaosFaults faults;
        ProcessResources before;
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3)) {
            String connect = ensemble.connectString();
            warmUp(connect);
            before = ProcessResources.now();
            Path stop = dir.resolve("stop");
            try (ToolkitClient observer = ToolkitClient.open(InProcessClients.settings(connect));
                    InProcessClients clients = new InProcessClients(connect);
                    JvmPool workers = new JvmPool(WORKERS, (slot, generation) ->
                            FleetWorkerMain.start(connect, "w" + (slot + 1), WORKER_SESSION, STEPS, STEP));
                    JvmPool lockClients = new JvmPool(LOCK_CLIENTS, (slot, generation) -> {
                        String id = "c" + (slot + 1) + "g" + generation;
                        return FencedCounterClientMain.start(connect, id, dir.resolve(id + ".ledger"), stop, LOCK_SESSION);
                    });
                    ConfigChurn config = new ConfigChurn(clients, WATCHERS);
                    DiscoveryChurn discovery = new DiscoveryChurn(clients, REGISTRARS, seed)) {
                FencedCounter.create(observer.curator());
                for (ChildJvm jvm : workers.current()) {
                    jvm.awaitLine(l -> l.equals("READY"), SETTLE);
                }
                for (ChildJvm jvm : lockClients.current()) {
                    jvm.awaitLine(l -> l.startsWith("READY"), SETTLE);
                }
                TaskFeeder feeder = new TaskFeeder(observer);
                FaultSchedule schedule = new FaultSchedule(seed, new FaultSchedule.Targets(ensemble.size(), WORKERS,
                        LOCK_CLIENTS, clients.all().size()), HOLDER_PAUSE);
                faults = new ChaosFaults(schedule, ensemble, workers, lockClients,
                        new LockHolders(observer, LOCK_PATH, lockClients::current), clients);
                faults.runFor(duration);
                verdict.add("faults undone", faults.failures());

                // Bring everything to rest: faults over, quorum whole, no new work.
                ensemble.awaitQuorum(SETTLE);
                List<String> tasks = feeder.stop();
                ConfigSnapshot finalConfig = config.stopAndReadFinal();
                discovery.stop();
                awaitAllDone(observer, tasks.size(), workers);
                Files.createFile(stop);
                for (ChildJvm client : lockClients.current()) {
                    client.waitForExit(SETTLE);
                }
                config.awaitConverged(finalConfig, SETTLE);
                discovery.awaitConverged(SETTLE);

                List<FleetAudit.TaskRecord> taskRecords = FleetAudit.read(observer, tasks);
                verdict.checkWork(taskRecords, Integer.toString(STEPS));
                CounterAudit counter = CounterAudit.of(FencedCounter.readSynced(observer.curator()),
                        FencedCounter.readRecords(observer.curator()), attempts());
                verdict.checkCounter(counter);
                for (ConfigChurn.Watcher w : config.watchers()) {
                    ConfigSnapshot now = w.config().snapshot();
                    verdict.checkWatcher(w.name(), w.deliveries(), now.version(), now.entries(), w.config().isStale(),
                            finalConfig.version(), finalConfig.entries());
                }
                verdict.checkView(DiscoveryChurn.SERVICE, discovery.viewed(), discovery.znodes(), discovery.live());

                operations.add(String.format(Locale.ROOT, "work fleet       %d tasks submitted, %d committed exactly once, %d worker JVMs started",
                        tasks.size(), taskRecords.stream().filter(t -> t.commits().size() == 1).count(), workers.everStarted().size()));
                operations.add(String.format(Locale.ROOT,
                        "fenced counter   %d increments committed, %d tokens, %d hand-offs, %d stale writes refused by the fence,"
                                + " %d unknown outcomes (%d committed), %d cut by kill -9 (%d committed), %d lock client JVMs",
                        counter.committed(), counter.tokens(), counter.handOffs(), counter.notCommitted(Outcome.FENCED),
                        counter.committed(Outcome.UNKNOWN) + counter.notCommitted(Outcome.UNKNOWN), counter.committed(Outcome.UNKNOWN),
                        counter.committed(Outcome.SENT) + counter.notCommitted(Outcome.SENT), counter.committed(Outcome.SENT),
                        lockClients.everStarted().size()));
                operations.add(String.format(Locale.ROOT,
                        "config           %d versions published (%d failed or unknown), final v%d, %d watchers, %d changes heard",
                        config.published(), config.failed(), finalConfig.version(), WATCHERS,
                        config.watchers().stream().mapToInt(w -> w.deliveries().size()).sum()));
                operations.add(String.format(Locale.ROOT,
                        "discovery        %d registrations, %d deregistrations (%d register attempts failed and retried), %d live at the end",
                        discovery.registered(), discovery.deregistered(), discovery.failedRegistrations(), discovery.live().size()));
            }
            // Every client is closed or killed: once the servers have expired the dead sessions, nothing ephemeral may remain.
            try (ToolkitClient inspector = ToolkitClient.open(InProcessClients.settings(connect))) {
                Set<String> roots = new HashSet<>(WORKLOAD_ROOTS);
                roots.add(ConfigStore.builder(inspector).build().root());
                verdict.checkZnodes(awaitNoEphemerals(inspector.curator()), roots);
            }
        }
        List<String> leaks = ProcessResources.leaksSince(before, FD_SLACK, Duration.ofSeconds(15));
        verdict.add("no leaked threads or descriptors", leaks);
        ProcessResources after = ProcessResources.now();
        operations.add(String.format(Locale.ROOT, "resources        %d threads and %d descriptors (jars aside) before, %d and %d after",
                before.threadCount(), before.openFileCount(), after.threadCount(), after.openFileCount()));

        String summary = summary(seed, duration, faults, operations, verdict, started);
        System.out.println(summary);
        assertThat(verdict.violations()).as(summary).isEmpty();
        assertThat(faults.total()).as("faults injected").isPositive();
    }

    /**
     * Loads, once, the classes and JDK facilities that the in-process workloads use, so that the
     * jar files and descriptors they open for the JVM's life are in the baseline and not counted as leaks.
     */
    private static void warmUp(String connect) throws Exception {
        try (InProcessClients clients = new InProcessClients(connect);
                ConfigChurn config = new ConfigChurn(clients, 1);
                DiscoveryChurn discovery = new DiscoveryChurn(clients, 1, 0)) {
            config.stopAndReadFinal();
            discovery.stop();
        }
        try (ToolkitClient zk = ToolkitClient.open(InProcessClients.settings(connect))) {
            for (String root : List.of(ConfigStore.builder(zk).build().root(), ServiceRegistry.ROOT)) {
                zk.curator().delete().deletingChildrenIfNeeded().forPath(root);
            }
        }
    }

    private List<Attempt> attempts() throws Exception {
        List<Attempt> attempts = new ArrayList<>();
        try (Stream<Path> ledgers = Files.list(dir)) {
            for (Path ledger : ledgers.filter(p -> p.toString().endsWith(".ledger")).sorted().toList()) {
                attempts.addAll(Attempt.readLedger(ledger));
            }
        }
        return attempts;
    }

    private static void awaitAllDone(ToolkitClient observer, int tasks, JvmPool workers) throws Exception {
        String done = new FleetLayout(FleetWorkerMain.FLEET).done();
        long deadline = System.nanoTime() + SETTLE.toNanos() * 2;
        while (observer.curator().getChildren().forPath(done).size() < tasks && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        // Not asserted here: the work audit names every task that is missing.
        if (observer.curator().getChildren().forPath(done).size() < tasks) {
            workers.current().forEach(w -> System.out.println(w.recentOutput()));
        }
    }

    /** Every znode under the namespace, once no plain ephemeral node is left or the settle time has passed. */
    private static List<Znode> awaitNoEphemerals(CuratorFramework curator) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            SyncedRead.sync(curator, "/");
            List<Znode> nodes = new ArrayList<>();
            walk(curator, "/", nodes);
            if (nodes.stream().noneMatch(Znode::ephemeral) || System.nanoTime() > deadline) {
                return nodes;
            }
            Thread.sleep(250);
        }
    }

    private static void walk(CuratorFramework curator, String path, List<Znode> into) throws Exception {
        for (String child : curator.getChildren().forPath(path)) {
            String childPath = (path.equals("/") ? "" : path) + "/" + child;
            Stat stat = curator.checkExists().forPath(childPath);
            if (stat == null) {
                continue;
            }
            // Container nodes also carry an owner, a marker rather than a session: only NORMAL ones are ephemeral.
            into.add(new Znode(childPath, stat.getEphemeralOwner() != 0
                    && EphemeralType.get(stat.getEphemeralOwner()) == EphemeralType.NORMAL));
            walk(curator, childPath, into);
        }
    }

    private static String summary(long seed, Duration duration, ChaosFaults faults, List<String> operations,
            SoakVerdict verdict, long startedNanos) {
        StringBuilder out = new StringBuilder();
        out.append("==== Chaos soak summary ====\n");
        out.append(String.format(Locale.ROOT, "seed             %d (replay: -Dsoak.seed=%d)%n", seed, seed));
        out.append(String.format(Locale.ROOT, "duration         %s of faults, %d s in all%n", Durations.format(duration),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos)));
        out.append(String.format(Locale.ROOT, "faults           %d injected%n", faults.total()));
        for (Kind kind : Kind.values()) {
            out.append(String.format(Locale.ROOT, "  %-18s %d%n", kind, faults.injected().getOrDefault(kind, 0)));
        }
        out.append("operations\n");
        operations.forEach(line -> out.append("  ").append(line).append('\n'));
        out.append("violations       ").append(verdict.violations().size()).append(" (must be 0)\n");
        verdict.countsBy(List.of("faults undone", "work exactly once", "fenced resource: stale holder accepted",
                "fenced resource: lost increment", "fenced resource: unexplained record", "config watchers converged",
                "discovery view converged", "no leaked znodes", "no leaked threads or descriptors"))
                .forEach((check, n) -> out.append(String.format(Locale.ROOT, "  %-40s %d%n", check, n)));
        verdict.violations().forEach(v -> out.append("  VIOLATION ").append(v).append('\n'));
        out.append("fault timeline\n");
        faults.timeline().forEach(line -> out.append("  ").append(line).append('\n'));
        return out.toString();
    }

    /** Submits a batch of new tasks to the fleet every couple of seconds, so that work runs through the whole soak. */
    static final class TaskFeeder {
        private final ToolkitClient observer;
        private final List<String> submitted = new ArrayList<>();
        private final Thread thread;
        private volatile boolean stopping;

        TaskFeeder(ToolkitClient observer) throws Exception {
            this.observer = observer;
            observer.curator().create().creatingParentsIfNeeded().forPath(FleetWorkerMain.AUDIT);
            submitBatch();
            thread = new Thread(this::feed, "soak-task-feeder");
            thread.start();
        }

        private void feed() {
            while (!stopping) {
                try {
                    Thread.sleep(BATCH_EVERY.toMillis());
                    submitBatch();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // Unsubmitted tasks are not in the list; the next batch tries again with new names.
                }
            }
        }

        private synchronized void submitBatch() throws Exception {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < TASKS_PER_BATCH; i++) {
                String task = String.format(Locale.ROOT, "task-%04d", submitted.size() + batch.size());
                try {
                    observer.curator().create().forPath(FleetWorkerMain.AUDIT + "/" + task);
                } catch (KeeperException.NodeExistsException e) {
                    // Created by an earlier attempt whose reply was lost.
                }
                batch.add(task);
            }
            WorkFleet.submit(observer, FleetWorkerMain.FLEET, batch);
            submitted.addAll(batch);
        }

        /** Stops submitting; returns every task submitted. */
        List<String> stop() throws InterruptedException {
            stopping = true;
            thread.interrupt();
            thread.join();
            synchronized (this) {
                return List.copyOf(submitted);
            }
        }
    }
}
