package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import io.zktoolkit.recovery.assignment.Completion;
import io.zktoolkit.recovery.assignment.FleetInspector;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The pipeline demo: a small but real data pipeline on an embedded 3-server ZooKeeper quorum, with
 * every capability of the toolkit doing its job.
 *
 * <ol>
 *   <li>A PostgreSQL source with generated tables, in a child JVM of the Sqoop world.</li>
 *   <li>The live configuration set {@value #CONFIG_SET}, loaded from a properties file into ZooKeeper.</li>
 *   <li>Import round 1: a fleet of worker JVMs, whose elected leader assigns one table per task; each
 *       worker runs an incremental Sqoop import under the table's lock and the source's mapper cap,
 *       its last value in a fenced checkpoint. Mid-import a worker is killed with kill -9, the
 *       quorum's leader server is stopped, and the configuration changes; the killed worker's table
 *       moves to another worker once its session expires, and the next tasks use the new settings.</li>
 *   <li>Import round 2: new rows arrive; the same tables are imported again from their checkpoints,
 *       so exactly the new rows land.</li>
 *   <li>A Spark job (a child JVM of the Spark world) totals the imported tables under a job guard,
 *       its progress on the job board.</li>
 *   <li>The Spark Thrift Server (a child JVM) is registered in Hive's own znode format, and the stock
 *       hive-jdbc driver (a child JVM of its own: it may not share a class path with Hadoop or Spark)
 *       reads the totals through its ZooKeeper URL.</li>
 *   <li>The report compares every table's landed rows and checkpoint with the source.</li>
 * </ol>
 *
 * <p>Each child JVM dies with this one, and {@link #close} stops those still running, so the demo
 * leaves nothing behind.
 */
public final class PipelineDemo implements AutoCloseable {
    /** The work fleet of the import workers. */
    public static final String FLEET = "pipeline-imports";
    /** The live configuration set the workers read. */
    public static final String CONFIG_SET = "pipeline";
    /** Where the Thrift Server is registered for the stock driver ({@code zooKeeperNamespace}). */
    public static final String HIVE_NAMESPACE = "zktoolkit-demo-hiveserver2";
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(4);
    /** How far into an import the worker running it is killed: past the lock and into Sqoop's work. */
    private static final Duration KILL_INTO_IMPORT = Duration.ofMillis(1500);

    private final ToolkitClient zk;
    private final EmbeddedEnsemble ensemble;
    private final PipelineOptions options;
    private final Timeline timeline;
    private final Map<String, Duration> stages = new LinkedHashMap<>();
    private final List<String> failovers = new ArrayList<>();
    private final List<String> configChanges = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();

    /**
     * @param zk a client of an embedded quorum of 3 or more servers (the demo stops one)
     */
    public PipelineDemo(ToolkitClient zk, PipelineOptions options, Timeline timeline) {
        this.zk = zk;
        this.ensemble = zk.embeddedEnsemble().filter(e -> e.size() >= 3).orElseThrow(() -> new IllegalArgumentException(
                "the demo stops a server of an embedded quorum: it needs zk.connect=embedded and zk.embedded.servers=3 or 5"));
        this.options = options;
        this.timeline = timeline;
    }

    /** Runs every stage and returns the report; the report, not an exception, says when a promise was broken. */
    public PipelineReport run() throws Exception {
        Path work = Files.createDirectories(options.workDir().toAbsolutePath());
        Path targetRoot = work.resolve("imports");
        timeline.stage("ZooKeeper: embedded " + ensemble.size() + "-server quorum");
        timeline.event("zookeeper", "up at " + zk.connectString() + ", leader " + leaderName());

        long stageStart = System.nanoTime();
        timeline.stage("Source: PostgreSQL with " + options.tables().size() + " tables of " + options.rows() + " rows");
        SourceDatabaseProcess source = keep(SourceDatabaseProcess.start(work.resolve("source"), options.rows(), options.tables()));
        timeline.event("postgres", "ready at " + source.jdbcUrl());
        Optional<ThriftServerProcess.Starting> thriftServer = Optional.empty();
        if (options.hive()) {
            // Its start (Spark, Hive metastore schema) is the slowest step: it overlaps the imports.
            thriftServer = Optional.of(ThriftServerProcess.startAsync(work.resolve("thriftserver")));
            timeline.event("thriftserver", "starting in the background");
        }
        stages.put("source database", since(stageStart));

        stageStart = System.nanoTime();
        timeline.stage("Configuration: live set '" + CONFIG_SET + "' loaded into ZooKeeper");
        ConfigStore store = ConfigStore.builder(zk).author("zktoolkit demo").build();
        Path pipelineFile = pipelineConfig(work);
        ConfigSnapshot published = store.importProperties(CONFIG_SET, pipelineFile, ConfigStore.ImportMode.REPLACE);
        timeline.event("config", "published v" + published.version() + " from " + pipelineFile + ": " + published.maskedEntries());
        Path workerProperties = workerProperties(work, source);
        stages.put("configuration", since(stageStart));

        try (ImportWorkers workers = new ImportWorkers(workerProperties, FLEET, CONFIG_SET, targetRoot, work.resolve("workers"),
                timeline)) {
            stageStart = System.nanoTime();
            timeline.stage("Import round 1: " + options.workers() + " workers, one task per table"
                    + (options.faults() ? "; a worker and a ZooKeeper server die mid-run" : ""));
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= options.workers(); i++) {
                names.add("worker-" + i);
                workers.start("worker-" + i);
            }
            Faults faults = options.faults() ? new Faults(workers, store) : null;
            runRound(workers, options.tables(), faults);
            if (faults != null) {
                faults.recover(workers);
            }
            stages.put("import round 1", since(stageStart));

            if (options.newRows() > 0) {
                stageStart = System.nanoTime();
                timeline.stage("Import round 2: " + options.newRows() + " new rows per table, imported from the checkpoints");
                for (String table : options.tables()) {
                    long[] ids = source.addRows(table, options.newRows());
                    timeline.event("postgres", "added " + table + " rows " + ids[0] + ".." + ids[1]);
                }
                runRound(workers, options.tables().stream().map(t -> t + ".r2").toList(), null);
                stages.put("import round 2", since(stageStart));
            }
            List<String> leaders = leaders(workers.history());
            List<PipelineReport.TableReport> tables = tableReports(source, targetRoot);

            List<String> sparkResults = new ArrayList<>();
            List<String> hiveRows = new ArrayList<>();
            if (options.spark()) {
                stageStart = System.nanoTime();
                timeline.stage("Spark: totals of the imported tables, under a job guard");
                sparkResults.addAll(new SparkStage(zk, timeline, workerProperties, options.sparkDeployment()).run(targetRoot, work.resolve("warehouse"),
                        tables, problems));
                stages.put("spark transform", since(stageStart));
            }
            if (thriftServer.isPresent()) {
                stageStart = System.nanoTime();
                timeline.stage("Hive: the Thrift Server registered through the toolkit, queried with the stock driver");
                hiveRows.addAll(new HiveStage(zk, timeline, HIVE_NAMESPACE).run(thriftServer.get(), work.resolve("warehouse"),
                        tables, problems, running));
                stages.put("hive query", since(stageStart));
            }
            checkTables(tables);
            return new PipelineReport(tables, leaders, failovers, configChanges, sparkResults, hiveRows, stages,
                    timeline.elapsed(), problems);
        } finally {
            thriftServer.ifPresent(ThriftServerProcess.Starting::close);
        }
    }

    /** Submits {@code tasks} and follows the fleet until each has completed, injecting the faults (round 1) as it goes. */
    private void runRound(ImportWorkers workers, List<String> tasks, Faults faults) throws Exception {
        WorkFleet.submit(zk, FLEET, tasks);
        FleetInspector inspector = new FleetInspector(zk);
        long deadline = System.nanoTime() + ROUND_TIMEOUT.toNanos();
        long shown = -1;
        while (true) {
            List<WorkerEvent> events = workers.poll();
            if (faults != null) {
                faults.observe(events);
            }
            Map<String, Completion> completions = readCompletions(inspector);
            long done = tasks.stream().filter(completions::containsKey).count();
            if (done != shown) {
                timeline.event("imports", ProgressBar.render(done, tasks.size()) + " tasks completed");
                shown = done;
            }
            if (done == tasks.size()) {
                workers.poll();
                if (faults != null) {
                    faults.settle(completions);
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Import tasks " + new TreeSet<>(tasks.stream()
                        .filter(t -> !completions.containsKey(t)).toList()) + " did not complete within "
                        + Durations.format(ROUND_TIMEOUT) + "; see the worker logs under " + options.workDir().resolve("workers/logs"));
            }
            Thread.sleep(200);
        }
    }

    private Map<String, Completion> readCompletions(FleetInspector inspector) {
        try {
            return inspector.read(FLEET).completions();
        } catch (Exception e) {
            // A server is down or the client is reconnecting: the next poll reads again.
            return Map.of();
        }
    }

    /**
     * The faults of round 1: once a worker is {@link #KILL_INTO_IMPORT} into an import, it is killed
     * with kill -9, the quorum's leader server is stopped and the configuration changes. When its
     * table completes elsewhere, that is the failover the report shows.
     */
    private final class Faults {
        private final ImportWorkers workers;
        private final ConfigStore store;
        private final Map<String, String> inFlight = new LinkedHashMap<>();
        private WorkerEvent victim;
        private String killedTask;
        private Duration killedAt;
        private int stoppedServer = -1;

        Faults(ImportWorkers workers, ConfigStore store) {
            this.workers = workers;
            this.store = store;
        }

        void observe(List<WorkerEvent> events) {
            for (WorkerEvent e : events) {
                switch (e.kind()) {
                    case STARTED -> inFlight.put(e.worker(), e.subject());
                    case COMPLETED, REVOKED, FAILED -> inFlight.remove(e.worker(), e.subject());
                    case CONFIG -> {
                        if (killedAt != null) {
                            configChanges.add(e.worker() + " picked up v" + e.subject() + " (" + e.detail() + ") at "
                                    + seconds(e.at()));
                        }
                    }
                    default -> {
                    }
                }
                if (victim == null && e.kind() == WorkerEvent.Kind.STARTED) {
                    victim = e;
                }
            }
            if (killedAt == null && victim != null && timeline.elapsed().compareTo(victim.at().plus(KILL_INTO_IMPORT)) >= 0) {
                strike();
            }
        }

        private void strike() {
            // The first worker to start is the one killed, if it is still importing; otherwise any that is.
            String worker = inFlight.containsKey(victim.worker()) ? victim.worker()
                    : inFlight.keySet().stream().findFirst().orElse(null);
            if (worker == null) {
                victim = null;
                return;
            }
            killedTask = inFlight.remove(worker);
            workers.kill9(worker);
            killedAt = timeline.elapsed();
            failovers.add(worker + " killed with kill -9 at " + seconds(killedAt) + " while importing " + killedTask);

            OptionalInt leader = QuorumLeader.of(ensemble);
            stoppedServer = leader.orElse(0);
            ensemble.stopServer(stoppedServer);
            timeline.event("zookeeper", "STOPPED server-" + (stoppedServer + 1) + (leader.isPresent() ? " (the quorum's leader)" : "")
                    + "; " + (ensemble.size() - 1) + " of " + ensemble.size() + " serve on");
            failovers.add("ZooKeeper server-" + (stoppedServer + 1) + " stopped at " + seconds(killedAt) + "; the quorum "
                    + "elected a new leader and clients moved to the other servers");

            ConfigSnapshot current = store.read(CONFIG_SET);
            String mappers = current.find("import.mappers").orElse("1");
            String next = Integer.toString(Integer.parseInt(mappers) + 1);
            ConfigSnapshot changed = store.publish(ConfigUpdate.on(current).set("import.mappers", next));
            timeline.event("config", "published v" + changed.version() + ": import.mappers " + mappers + " -> " + next
                    + " while imports run");
            configChanges.add("v" + changed.version() + " published at " + seconds(timeline.elapsed()) + ": import.mappers "
                    + mappers + " -> " + next);
        }

        void settle(Map<String, Completion> completions) {
            if (killedTask == null) {
                problems.add("no worker was mid-import long enough to be killed; the failover was not shown");
                return;
            }
            Completion c = completions.get(killedTask);
            failovers.add(killedTask + " completed by " + c.memberId() + " (assignment epoch " + c.epoch() + ") at "
                    + seconds(timeline.elapsed()) + " after the kill");
        }

        /** Brings the stopped server and the killed worker back, as operators would, before round 2. */
        void recover(ImportWorkers workers) {
            if (stoppedServer >= 0) {
                ensemble.restartServer(stoppedServer);
                timeline.event("zookeeper", "restarted server-" + (stoppedServer + 1) + "; leader " + leaderName());
            }
            if (victim != null && !workers.isAlive(victim.worker())) {
                workers.start(victim.worker());
            }
        }
    }

    private void checkTables(List<PipelineReport.TableReport> tables) {
        for (PipelineReport.TableReport t : tables) {
            if (!t.exactlyOnce()) {
                problems.add(t.table() + ": " + t.landedRows() + " rows landed (" + t.distinctRows() + " distinct, " + t.missing()
                        + " missing) for " + t.sourceRows() + " source rows");
            }
            if (!t.checkpointRight()) {
                problems.add(t.table() + ": checkpoint " + t.checkpoint() + ", expected " + t.sourceRows());
            }
        }
        if (options.faults() && failovers.isEmpty()) {
            problems.add("faults were asked for but no failover happened");
        }
    }

    private List<PipelineReport.TableReport> tableReports(SourceDatabaseProcess source, Path targetRoot) {
        Map<String, Long> counts = source.counts();
        CheckpointStore checkpoints = CheckpointStore.builder(zk).build();
        String sourceId = SqoopImportGuard.sourceId(source.jdbcUrl());
        List<PipelineReport.TableReport> reports = new ArrayList<>();
        for (String table : options.tables()) {
            long sourceRows = counts.getOrDefault(table, 0L);
            List<Long> ids = LandedRows.ids(targetRoot.resolve(table));
            TreeSet<Long> distinct = new TreeSet<>(ids);
            long missing = 0;
            for (long id = 1; id <= sourceRows; id++) {
                if (!distinct.contains(id)) {
                    missing++;
                }
            }
            String checkpoint = checkpoints.checkpoint("sqoop/" + sourceId + "/" + table, IncrementalMode.APPEND.order())
                    .read().value().orElse("none");
            reports.add(new PipelineReport.TableReport(table, sourceRows, ids.size(), distinct.size(), missing, checkpoint));
        }
        return reports;
    }

    /** Who led the fleet, in order: the first leader and each one that took over. */
    private static List<String> leaders(List<WorkerEvent> history) {
        List<String> leaders = new ArrayList<>();
        for (WorkerEvent e : history) {
            if (e.kind() == WorkerEvent.Kind.LEADER) {
                leaders.add(e.worker() + (leaders.isEmpty() ? " led from " : " took over at ") + seconds(e.at()));
            }
        }
        return leaders;
    }

    /** The settings file of the child JVMs: this quorum, and the source the workers import from. */
    private Path workerProperties(Path work, SourceDatabaseProcess source) throws IOException {
        Path file = work.resolve("worker.properties");
        Files.writeString(file, String.join("\n",
                "# Written by the demo for its worker JVMs: the embedded quorum it started, and the source.",
                ToolkitKeys.CONNECT.name() + "=" + zk.connectString(),
                ToolkitKeys.NAMESPACE.name() + "=" + zk.settings().namespace(),
                ToolkitKeys.SESSION_TIMEOUT.name() + "=" + Durations.format(zk.settings().sessionTimeout()),
                ToolkitKeys.CONNECTION_TIMEOUT.name() + "=" + Durations.format(zk.settings().connectionTimeout()),
                "pipeline.jdbc-url=" + source.jdbcUrl(),
                "pipeline.password-file=" + source.passwordFile(),
                ""), StandardCharsets.UTF_8);
        return file;
    }

    /** The live configuration's source: the given file, or the bundled example copied into the work folder. */
    private Path pipelineConfig(Path work) throws IOException {
        if (options.pipelineConfig() != null) {
            return options.pipelineConfig();
        }
        Path file = work.resolve("pipeline.properties");
        try (InputStream in = PipelineDemo.class.getResourceAsStream("/conf/pipeline.properties")) {
            if (in == null) {
                throw new IllegalStateException("The launcher jar lacks /conf/pipeline.properties");
            }
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private String leaderName() {
        OptionalInt leader = QuorumLeader.of(ensemble);
        return leader.isPresent() ? "server-" + (leader.getAsInt() + 1) : "being elected";
    }

    private <T extends AutoCloseable> T keep(T resource) {
        running.add(resource);
        return resource;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /** Stops every child JVM still running (the source database last). */
    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                timeline.event("demo", "could not stop " + running.get(i) + ": " + e.getMessage());
            }
        }
    }
}
