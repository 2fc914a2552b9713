package io.zktoolkit.it.spark;

import io.zktoolkit.locks.spark.CommitResult;
import io.zktoolkit.locks.spark.PartitionCommits;
import io.zktoolkit.locks.spark.PartitionLock;
import io.zktoolkit.locks.spark.TaskAttempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * A task that writes its partition the way file sinks do: rows to a staging file of its own
 * attempt, then an atomic rename into the output folder to publish. With {@link PartitionCommits}
 * it publishes only when its commit is granted; without, every attempt that gets that far
 * publishes (what a sink without commit coordination does).
 *
 * <p>One partition straggles: its first attempt stays slow until a second attempt of the
 * partition has started (so Spark's speculation has a reason and the time to launch one). Then
 * neither attempt ends before both have decided, because the first attempt to end makes Spark
 * kill the other, and a kill that lands before the loser's decision would leave nothing to
 * check. All coordination goes through the shared folder: the attempts run in different
 * executor JVMs on one machine.
 */
final class StagedPartitionWriter implements VoidFunction<Iterator<Integer>> {
    private static final long serialVersionUID = 1L;

    private final PartitionCommits commits;
    private final String folder;
    private final int straggler;
    private final Duration waitForCopy;

    /**
     * @param commits the commits to ask, or {@code null} to publish without asking
     * @param folder a folder every executor can reach
     * @param straggler the partition whose first attempt is slow
     * @param waitForCopy how long the straggler waits for a second attempt; a test that expects
     *        one fails on its listener's record when none came
     */
    StagedPartitionWriter(PartitionCommits commits, Path folder, int straggler, Duration waitForCopy) {
        this.commits = commits;
        this.folder = folder.toAbsolutePath().toString();
        this.straggler = straggler;
        this.waitForCopy = waitForCopy;
    }

    static Path output(Path folder) {
        return folder.resolve("output");
    }

    static Path outcomes(Path folder) {
        return folder.resolve("outcomes");
    }

    @Override
    public void call(Iterator<Integer> rows) throws Exception {
        TaskAttempt me = TaskAttempt.current();
        Path root = Path.of(folder);
        String name = "p" + me.partitionId() + "-a" + me.attemptNumber();
        StringBuilder data = new StringBuilder();
        rows.forEachRemaining(row -> data.append(row).append('\n'));
        Path staged = write(root.resolve("staging").resolve(name), data.toString());
        write(root.resolve("started").resolve(name), me.toString());

        boolean straggling = me.partitionId() == straggler;
        if (straggling && me.attemptNumber() == 0) {
            await(() -> count(root.resolve("started"), me.partitionId()) >= 2);
        }
        String outcome = commits == null ? publish(root, staged, me) : commit(root, staged, me);
        write(outcomes(root).resolve(name), "executor " + me.executorId() + ": " + outcome);
        if (straggling) {
            await(() -> count(outcomes(root), me.partitionId()) >= count(root.resolve("started"), me.partitionId()));
        }
    }

    private String commit(Path root, Path staged, TaskAttempt me) throws IOException {
        try (PartitionLock lock = commits.lockCurrentPartition(Duration.ofSeconds(30))) {
            CommitResult result = lock.commit();
            if (result.committed()) {
                publish(root, staged, me);
            } else {
                Files.delete(staged);
            }
            return result.outcome() + ": " + result;
        }
    }

    private static String publish(Path root, Path staged, TaskAttempt me) throws IOException {
        Path published = output(root).resolve("part-" + me.partitionId() + "-attempt-" + me.attemptNumber());
        Files.createDirectories(published.getParent());
        Files.move(staged, published, StandardCopyOption.ATOMIC_MOVE);
        return "PUBLISHED: " + me;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** Files of the partition's attempts in {@code dir} ({@code p<partition>-a<attempt>}). */
    private static long count(Path dir, int partition) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("p" + partition + "-a")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + waitForCopy.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
    }
}
