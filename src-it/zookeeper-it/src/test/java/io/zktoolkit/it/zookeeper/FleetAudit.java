package io.zktoolkit.it.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.SyncedRead;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.sync.checkpoint.CheckpointOrder;
import io.zktoolkit.sync.checkpoint.CheckpointRecord;
import io.zktoolkit.sync.checkpoint.CheckpointSnapshot;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/**
 * Checks what a fleet of {@link FleetWorkerMain} workers left behind: every task committed exactly
 * once, recorded done, its checkpoint at the final step, no checkpoint write accepted from an epoch
 * or token older than one already accepted, and the commit made by a run no older than the last
 * checkpoint writer. Violations are collected as sentences.
 */
final class FleetAudit {
    /** One accepted checkpoint write: the run ({@code member@epoch}) and its lease's token. */
    record Write(String runId, long token) {
    }

    /**
     * What one task left behind.
     *
     * @param commits the run id of each commit under the task's audit node
     * @param done whether the fleet holds a completion record for it
     * @param checkpoint the checkpoint's final value, if any
     * @param writes the accepted checkpoint writes still in history, oldest first, the current one last
     */
    record TaskRecord(String task, List<String> commits, boolean done, Optional<String> checkpoint, List<Write> writes) {
    }

    private FleetAudit() {
    }

    /** Reads every task's record, after a sync, from the fleet {@value FleetWorkerMain#FLEET}. */
    static List<TaskRecord> read(ToolkitClient zk, Collection<String> tasks) throws Exception {
        CuratorFramework curator = zk.curator();
        FleetLayout layout = new FleetLayout(FleetWorkerMain.FLEET);
        SyncedRead.sync(curator, FleetWorkerMain.AUDIT);
        CheckpointStore store = CheckpointStore.builder(zk).historySize(64).build();
        List<String> done = curator.getChildren().forPath(layout.done());
        List<TaskRecord> records = new ArrayList<>();
        for (String task : tasks) {
            String audit = FleetWorkerMain.AUDIT + "/" + task;
            List<String> commits = new ArrayList<>();
            for (String commit : curator.getChildren().forPath(audit)) {
                commits.add(new String(curator.getData().forPath(audit + "/" + commit), UTF_8));
            }
            CheckpointSnapshot checkpoint = store.checkpoint("fleet/" + task, CheckpointOrder.NUMERIC).read();
            List<Write> writes = new ArrayList<>();
            checkpoint.history().forEach(w -> writes.add(write(w)));
            Collections.reverse(writes);
            checkpoint.current().ifPresent(w -> writes.add(write(w)));
            records.add(new TaskRecord(task, commits, done.contains(task), checkpoint.value(), writes));
        }
        return records;
    }

    private static Write write(CheckpointRecord record) {
        return new Write(record.runId(), record.token());
    }

    /**
     * The violations among {@code records}.
     *
     * @param finalStep the checkpoint value every finished task must end at
     */
    static List<String> violations(List<TaskRecord> records, String finalStep) {
        List<String> violations = new ArrayList<>();
        for (TaskRecord r : records) {
            String t = r.task();
            if (r.commits().isEmpty()) {
                violations.add("task " + t + " was lost: no commit");
            } else if (r.commits().size() > 1) {
                violations.add("task " + t + " was committed " + r.commits().size() + " times, by " + r.commits());
            }
            if (!r.done()) {
                violations.add("task " + t + " has no completion record");
            }
            if (!r.checkpoint().equals(Optional.of(finalStep))) {
                violations.add("task " + t + "'s checkpoint is " + r.checkpoint().orElse("absent") + ", not " + finalStep);
            }
            int lastEpoch = -1;
            long lastToken = Long.MIN_VALUE;
            for (Write w : r.writes()) {
                if (epochOf(w.runId()) < lastEpoch || w.token() < lastToken) {
                    violations.add("task " + t + "'s checkpoint accepted " + w + " after a write of epoch " + lastEpoch
                            + ", token " + lastToken + " (a stale holder's write): " + r.writes());
                }
                lastEpoch = Math.max(lastEpoch, epochOf(w.runId()));
                lastToken = Math.max(lastToken, w.token());
            }
            // The last checkpoint writer commits, or, when it died or lost its lease between its final step
            // and its commit, a later run that resumed at the final step: never a run older than the last write.
            if (r.commits().size() == 1 && !r.writes().isEmpty()) {
                String lastWriter = r.writes().get(r.writes().size() - 1).runId();
                if (epochOf(r.commits().get(0)) < epochOf(lastWriter)) {
                    violations.add("task " + t + " was committed by " + r.commits().get(0)
                            + ", a run older than its last checkpoint writer " + lastWriter);
                }
            }
        }
        return violations;
    }

    /** The fleet epoch in a run id {@code member@epoch}. */
    static int epochOf(String runId) {
        return Integer.parseInt(runId.substring(runId.indexOf('@') + 1));
    }
}
