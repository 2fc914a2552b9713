package io.zktoolkit.it.sqoop;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ParentWatch;
import io.zktoolkit.recovery.assignment.WorkFleet;
import io.zktoolkit.recovery.sqoop.FleetImportRunner;
import io.zktoolkit.recovery.testing.FleetConsole;
import io.zktoolkit.sync.sqoop.IncrementalMode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child-JVM main for {@link SqoopImportFleetIT}: one import worker of the fleet {@value #FLEET}. A
 * task names a table, optionally with a round suffix ({@code orders.r2}); the worker imports that
 * table into {@code targetRoot/<table>} with a checkpointed append import on {@code id}. Prints
 * {@code READY}, {@code LEADER}, {@code STARTED <task>}, {@code COMPLETED <task> <result>} and
 * {@code REVOKED} lines. Arguments: zk connect, member id, session ms, jdbc url, password file,
 * target root, work dir.
 */
public final class SqoopFleetWorkerMain {
    static final String FLEET = "sqoop-imports";

    private SqoopFleetWorkerMain() {
    }

    public static void main(String[] a) throws Exception {
        ParentWatch.haltWhenParentExits();
        String memberId = a[1];
        IncrementalImports.Source source = new IncrementalImports.Source(a[3], Path.of(a[4]), a[0]);
        Path targetRoot = Path.of(a[5]);
        Path work = Path.of(a[6]);
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, a[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(a[2])))
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofMillis(Long.parseLong(a[2])))
                .build());
        FleetImportRunner runner = FleetImportRunner.of(task -> {
            String table = task.contains(".") ? task.substring(0, task.indexOf('.')) : task;
            return IncrementalImports.checkpointedBuilder(zk, source, table, IncrementalMode.APPEND, "id",
                    targetRoot.resolve(table), work.resolve(table));
        });
        WorkFleet fleet = WorkFleet.builder(zk, FLEET, memberId, runner)
                .heartbeatInterval(Duration.ofMillis(500))
                .taskListener(FleetConsole.taskLines()).build();
        FleetConsole.runUntilKilled(fleet);
    }
}
