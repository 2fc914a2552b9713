package io.zktoolkit.sync.state;

import io.zktoolkit.locks.Holder;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.CloseableUtils;
import org.apache.curator.utils.ZKPaths;

/**
 * The publisher of one job on a {@link JobBoard}: the job's state and its tasks'. While it is
 * open, an ephemeral marker says the publisher is alive, so a job whose process died is seen as
 * abandoned instead of running forever. Close it when the job ends: close writes what is queued
 * (up to the flush timeout) and removes the marker.
 */
public final class JobReporter extends RunReporter implements Closeable {
    private final String jobPath;
    private final Holder publisher;
    private final Clock clock;
    private final PersistentNode marker;
    private final Duration closeTimeout;
    private final ConcurrentMap<String, TaskReporter> tasks = new ConcurrentHashMap<>();

    JobReporter(String jobPath, TrackedStatus tracked, StatusWriter writer, Holder publisher, Clock clock,
            PersistentNode marker, Duration closeTimeout, Map<String, RunStatus> resumedTasks) {
        super(jobPath, tracked, writer);
        this.jobPath = jobPath;
        this.publisher = publisher;
        this.clock = clock;
        this.marker = marker;
        this.closeTimeout = closeTimeout;
        resumedTasks.forEach((id, stored) -> tasks.put(id, new TaskReporter(ZKPaths.makePath(jobPath, JobBoard.TASKS, id),
                TrackedStatus.resumed(taskName(id), stored, true, publisher, clock), writer)));
    }

    private String taskName(String taskId) {
        return "Task " + taskId + " of job " + id();
    }

    /**
     * The task {@code taskId} of this job, QUEUED when first asked for.
     *
     * @throws IllegalArgumentException when the id is not a valid name (see {@link JobBoard#publish})
     */
    public TaskReporter task(String taskId) {
        return tasks.computeIfAbsent(JobNames.check("task id", taskId), id -> {
            String path = ZKPaths.makePath(jobPath, JobBoard.TASKS, id);
            TaskReporter task = new TaskReporter(path,
                    TrackedStatus.queued(taskName(id), id, true, publisher, clock), writer());
            writer().submit(path, task.status());
            return task;
        });
    }

    /**
     * Waits until every update made before this call is written.
     *
     * @return false when ZooKeeper did not take them within {@code timeout}; see {@link #lastFailure()}
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        return writer().flush(timeout);
    }

    /** Updates queued and not yet written. */
    public int pendingUpdates() {
        return writer().pending();
    }

    /** Transactions written so far (each carries up to 200 updates). */
    public long batchesWritten() {
        return writer().batchesWritten();
    }

    /** Why the last write failed, while the writer is still retrying it. */
    public Optional<Exception> lastFailure() {
        return Optional.ofNullable(writer().lastFailure());
    }

    /**
     * Writes what is queued (waiting up to the board's close timeout), then removes the alive
     * marker. A job closed before it finished is left in its last state and shown as abandoned.
     */
    @Override
    public void close() {
        try {
            writer().close();
            writer().flush(closeTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer().abandon();
            CloseableUtils.closeQuietly(marker);
        }
    }
}
