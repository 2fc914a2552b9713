package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSetName;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.LiveConfig;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.recovery.assignment.Completion;
import io.zktoolkit.recovery.assignment.TaskListener;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.sqoop.FleetImportRunner;
import io.zktoolkit.sync.sqoop.ImportPhase;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One import worker of a {@link WorkFleet}, in its own JVM:
 * {@code ImportWorkerMain <worker.properties> <member-id> <fleet> <config-set> <target-root> <work-dir>}.
 *
 * <p>The properties file holds the toolkit's {@code zk.*} settings and the source
 * ({@code pipeline.jdbc-url}, {@code pipeline.password-file}, optional {@code pipeline.username}).
 * A task names a table, optionally with a round suffix ({@code orders.r2}); the worker runs a
 * checkpointed append import on {@code id} of that table into {@code <target-root>/<table>}, under
 * the source's {@code SqoopImportGuard}. The tuning comes from the live configuration set
 * {@code <config-set>} (see {@link WorkerTuning} for its keys): each task reads the current version
 * when it starts, so a publish while the fleet runs is picked up by the next task.
 *
 * <p>Lines printed on stdout:
 * <ul>
 *   <li>{@code CONFIG <version> mappers=<m> fetch-size=<f> cap=<c>} at start and for each new version it sees
 *       ({@code CONFIG <version> invalid: <reason>} for a version it cannot use);</li>
 *   <li>{@code READY <member-id>} once it has joined the fleet;</li>
 *   <li>{@code LEADER <member-id>} each time it becomes the fleet's leader;</li>
 *   <li>{@code STARTED <task>}, {@code COMPLETED <task> <result>} (rows imported and checkpoint, as
 *       {@link FleetImportRunner} says it), {@code REVOKED <task> <why>}, {@code FAILED <task> <reason>};</li>
 *   <li>{@code STOPPED <member-id>} after {@code STOP} or end of stdin, once it has left the fleet (exit code 0).</li>
 * </ul>
 * Exit code 3 for a bad properties file, 4 when ZooKeeper is unreachable.
 */
public final class ImportWorkerMain {
    private ImportWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        if (args.length != 6) {
            Console.say("ERROR usage: ImportWorkerMain <worker.properties> <member-id> <fleet> <config-set> <target-root> <work-dir>");
            System.exit(2);
        }
        Path properties = Path.of(args[0]);
        String memberId = args[1];
        String fleetName = args[2];
        String configSet = args[3];
        Path targetRoot = Path.of(args[4]).toAbsolutePath();
        Path work = Path.of(args[5]).toAbsolutePath();
        try {
            // A bad file fails here, before anything connects.
            WorkerProperties.source(properties, WorkerTuning.of(ConfigSnapshot.absent(ConfigSetName.of(configSet))));
        } catch (SettingsException e) {
            Console.say("INVALID " + Console.reason(e));
            System.exit(ExitOnStartFailure.BAD_SETTINGS);
        }

        ToolkitClient zk = ExitOnStartFailure.connect(properties);
        LiveConfig live = ConfigStore.builder(zk).author(memberId).build().watch(configSet);
        live.addListener(change -> printConfig(change.current()));
        live.start();
        printConfig(live.snapshot());

        FleetImportRunner runner = FleetImportRunner.of(task -> {
            String table = task.contains(".") ? task.substring(0, task.indexOf('.')) : task;
            // The version current now, not the one at start: a publish reaches the next task.
            WorkerTuning tuning = WorkerTuning.of(live.snapshot());
            return WorkerProperties.source(properties, tuning).builder(zk, table, work)
                    .mode(IncrementalMode.APPEND).checkColumn("id")
                    .targetDir(targetRoot.resolve(table).toUri().toString())
                    .phaseListener((phase, runId) -> {
                        if (phase == ImportPhase.SQOOP_STARTED && !tuning.delay().isZero()) {
                            sleep(tuning.delay());
                        }
                    });
        });
        WorkFleet fleet = WorkFleet.builder(zk, fleetName, memberId, runner)
                .heartbeatInterval(Duration.ofMillis(500))
                .taskListener(taskLines()).build();
        fleet.start();
        Console.say("READY " + memberId);

        Thread stopper = new Thread(() -> {
            awaitStop();
            fleet.close();
            live.close();
            zk.close();
            Console.say("STOPPED " + memberId);
            System.exit(0);
        }, "stdin-stop");
        stopper.setDaemon(true);
        stopper.start();

        ActiveStandby.State last = null;
        while (true) {
            ActiveStandby.State now = fleet.leadership().state();
            if (now != last && now == ActiveStandby.State.ACTIVE) {
                Console.say("LEADER " + memberId);
            }
            last = now;
            Thread.sleep(20);
        }
    }

    private static void printConfig(ConfigSnapshot snapshot) {
        try {
            Console.say(WorkerTuning.of(snapshot).line());
        } catch (RuntimeException e) {
            Console.say("CONFIG " + snapshot.version() + " invalid: " + Console.reason(e));
        }
    }

    private static TaskListener taskLines() {
        return new TaskListener() {
            @Override
            public void started(String task, int epoch) {
                Console.say("STARTED " + task);
            }

            @Override
            public void completed(Completion completion) {
                Console.say("COMPLETED " + completion.task() + " " + completion.result());
            }

            @Override
            public void revoked(String task, int epoch, String why) {
                Console.say("REVOKED " + task + " " + why);
            }

            @Override
            public void failed(String task, int epoch, Exception error) {
                Console.say("FAILED " + task + " " + Console.reason(error));
            }
        };
    }

    /** Returns on a STOP line or at end of input (the launcher closed it, or is gone). */
    private static void awaitStop() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("STOP")) {
                // Only STOP is understood; anything else is ignored.
            }
        } catch (java.io.IOException e) {
            // A broken stdin means the launcher is gone: stop as at end of input.
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
