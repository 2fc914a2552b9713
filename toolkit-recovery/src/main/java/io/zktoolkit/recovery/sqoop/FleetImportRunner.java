package io.zktoolkit.recovery.sqoop;

import io.zktoolkit.recovery.assignment.TaskContext;
import io.zktoolkit.recovery.assignment.TaskRunner;
import io.zktoolkit.sync.sqoop.CheckpointedImport;
import io.zktoolkit.sync.sqoop.ImportOutcome;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs a {@link io.zktoolkit.recovery.assignment.WorkFleet}'s tasks as checkpointed Sqoop
 * imports, one table per task: a fleet of import workers whose leader spreads the tables.
 *
 * <p>Each run is a {@link CheckpointedImport} (the table's guard, a pending folder, the output
 * count check, the fenced checkpoint as commit point) whose checkpoint write is further
 * conditioned on the task's assignment epoch. So a worker whose table moved to another, or that
 * was paused past its session, commits nothing; a table restarted elsewhere resumes from its
 * checkpoint, and a crashed run's pending output is published or deleted by the next run.
 *
 * <pre>{@code
 * WorkFleet.submit(zk, "nightly", List.of("orders", "customers"));
 * WorkFleet.builder(zk, "nightly", "edge-3", FleetImportRunner.of(table ->
 *         CheckpointedImport.builder(zk, guard).sqoopArguments(argsFor(table)).mode(APPEND).checkColumn("id")
 *                 .targetDir("/data/" + table))).build().start();
 * }</pre>
 */
public final class FleetImportRunner implements TaskRunner {
    private final Function<String, CheckpointedImport.Builder> importOf;

    private FleetImportRunner(Function<String, CheckpointedImport.Builder> importOf) {
        this.importOf = Objects.requireNonNull(importOf, "importOf");
    }

    /**
     * A runner that imports the table a task names, configured by {@code importOf} (given the task
     * name, it returns the import's builder: arguments, mode, check column, target).
     */
    public static FleetImportRunner of(Function<String, CheckpointedImport.Builder> importOf) {
        return new FleetImportRunner(importOf);
    }

    @Override
    public String run(TaskContext context) {
        context.checkCurrent();
        ImportOutcome outcome = importOf.apply(context.task())
                .commitCondition(context.assignmentPath(), context.epoch())
                .build().run();
        return (outcome.committed() ? "imported " + outcome.records() + " records" : "nothing new")
                + ", checkpoint " + outcome.lastValue().orElse("none") + " (" + outcome.runId() + ")";
    }
}
