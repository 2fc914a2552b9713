package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.spark.CommitResult;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PartitionLock;
import io.zktoolkit.locks.spark.TaskAttempt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * A task that writes its partition the way file sinks do, under its partition's fenced lock:
 * rows to a staging file of its own attempt, then the partition lock
 * ({@link PartitionCommits#lockCurrentPartition}), a commit, and an atomic rename into the output
 * folder only when the commit was granted.
 *
 * <p>One attempt is the victim: attempt 0 of {@code victimPartition}, once it holds its lock,
 * announces it in {@code holding/} (with its executor's process id and its fencing token) and
 * then waits, for the test to kill its executor with kill -9. Every later attempt, before it asks
 * for the lock, records in {@code seen/} who held it then: the evidence that a retry met the dead
 * holder's lock rather than a free one.
 *
 * <p>This class runs on executors that get it only through the application jar in
 * {@code spark.jars}, and the toolkit only through the bundle jar next to it. All signals go
 * through a folder every process of this one-machine cluster can reach; names are
 * {@code p<partition>-a<attempt>}.
 */
public final class FencedPartitionWriter implements VoidFunction<Iterator<Integer>> {
    private static final long serialVersionUID = 1L;

    private final PartitionCommits commits;
    private final String folder;
    private final int victimPartition;
    private final Duration victimHold;
    private final Duration lockWait;

    /**
     * @param victimHold how long the victim holds its lock waiting to be killed; if it is not
     *        killed it then commits like any attempt, which a test expecting a kill catches
     * @param lockWait how long an attempt waits for its partition's lock (longer than the
     *        executors' ZooKeeper session timeout, so a retry can outwait a dead holder)
     */
    public FencedPartitionWriter(PartitionCommits commits, Path folder, int victimPartition, Duration victimHold,
            Duration lockWait) {
        this.commits = commits;
        this.folder = folder.toAbsolutePath().toString();
        this.victimPartition = victimPartition;
        this.victimHold = victimHold;
        this.lockWait = lockWait;
    }

    public static Path output(Path folder) {
        return folder.resolve("output");
    }

    public static Path holding(Path folder) {
        return folder.resolve("holding");
    }

    public static Path seen(Path folder) {
        return folder.resolve("seen");
    }

    public static Path outcomes(Path folder) {
        return folder.resolve("outcomes");
    }

    public static Path staging(Path folder) {
        return folder.resolve("staging");
    }

    /** Where {@link PartitionCommits} keeps a partition's lock (its documented layout). */
    public static String lockPath(PartitionCommits commits, int stageId, int partitionId) {
        return PartitionCommits.LOCK_ROOT + "/" + commits.job() + "/" + commits.run() + "/stage-" + stageId
                + "/partition-" + partitionId;
    }

    public static String name(int partition, int attempt) {
        return "p" + partition + "-a" + attempt;
    }

    @Override
    public void call(Iterator<Integer> rows) throws Exception {
        TaskAttempt me = TaskAttempt.current();
        Path root = Path.of(folder);
        String name = name(me.partitionId(), me.attemptNumber());
        long pid = ProcessHandle.current().pid();
        StringBuilder data = new StringBuilder();
        rows.forEachRemaining(row -> data.append(row).append('\n'));
        Path staged = write(staging(root).resolve(name), data.toString());

        if (me.attemptNumber() > 0) {
            String holder = new LockInspector(ExecutorClients.client(commits.settings()))
                    .lock(lockPath(commits, me.stageId(), me.partitionId()))
                    .map(l -> "pid=" + l.holder().pid() + " token=" + l.token() + " holder=" + l.holder())
                    .orElse("pid=none");
            write(seen(root).resolve(name), holder);
        }
        try (PartitionLock lock = commits.lockCurrentPartition(lockWait)) {
            write(holding(root).resolve(name), "pid=" + pid + " token=" + lock.token() + " stage=" + me.stageId()
                    + " executor=" + me.executorId());
            if (me.partitionId() == victimPartition && me.attemptNumber() == 0) {
                Thread.sleep(victimHold.toMillis());
            }
            CommitResult result = lock.commit();
            String outcome;
            if (result.committed()) {
                Path published = output(root).resolve("part-" + me.partitionId() + "-attempt-" + me.attemptNumber());
                Files.createDirectories(published.getParent());
                Files.move(staged, published, StandardCopyOption.ATOMIC_MOVE);
                outcome = "PUBLISHED";
            } else {
                Files.delete(staged);
                outcome = "DISCARDED";
            }
            write(outcomes(root).resolve(name), "executor " + me.executorId() + " pid " + pid + ": " + outcome
                    + ": " + result);
        }
    }

    /** Writes atomically (a temporary file renamed), so that a watcher never reads half a signal. */
    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text);
        return Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
