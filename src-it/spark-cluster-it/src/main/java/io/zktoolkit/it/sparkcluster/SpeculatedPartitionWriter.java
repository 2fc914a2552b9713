package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.locks.spark.CommitResult;
import io.zktoolkit.locks.spark.ExecutorClients;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * A task that writes its partition the way file sinks do (rows to a staging file of its own
 * attempt, then an atomic rename into the output folder), while one partition straggles so that
 * Spark's speculation launches a copy of it. With {@link PartitionCommits} an attempt publishes
 * only when its commit is granted; without ({@code commits == null}) every attempt that gets that
 * far publishes, as a sink without commit coordination does.
 *
 * <p>How attempt 0 of the straggling partition behaves ({@link Straggle}):
 * <ul>
 *   <li>{@link Straggle#RACE}: it stays slow until the copy has started, then both decide. Neither
 *       ends before both have decided: the first attempt to end makes Spark kill the other, and a
 *       kill landing before the loser's decision would leave nothing to check.</li>
 *   <li>{@link Straggle#ZOMBIE}: it takes the partition's lock (with commits), announces in
 *       {@code holding/} its executor's process id and its fencing token, and waits for
 *       {@code go/}, which the test writes once it has frozen that executor with SIGSTOP, let the
 *       copy finish and resumed it with SIGCONT. Then it waits for Spark's kill (sent to it when
 *       the copy succeeded, delivered on resume) and ignores it, as a task stuck in
 *       uninterruptible I/O does, and commits late: the zombie.</li>
 * </ul>
 *
 * <p>Every attempt records in {@code started/} that it ran; a copy of the straggler records in
 * {@code seen/} who held the partition's lock when it came; every attempt records its decision in
 * {@code outcomes/}: a first line of {@code key=value} words ({@code outcome} is {@code PUBLISHED}
 * without commits, else {@code COMMITTED}, {@code ALREADY_COMMITTED} or {@code REFUSED} when the
 * commit threw {@link LockLostException}), the detail on the second. Names are
 * {@code p<partition>-a<attempt>}; all signals go through a folder every process of this
 * one-machine cluster can reach. This class runs on executors that get it only through the
 * application jar in {@code spark.jars}.
 */
public final class SpeculatedPartitionWriter implements VoidFunction<Iterator<Integer>> {
    private static final long serialVersionUID = 1L;

    /** How the straggler's first attempt behaves. */
    public enum Straggle {
        /** Slow until its copy started, then it decides alongside the copy. */
        RACE,
        /** Holds the partition (its lock, with commits) until the test lets it go, then commits late. */
        ZOMBIE
    }

    private final PartitionCommits commits;
    private final String folder;
    private final int straggler;
    private final Straggle straggle;
    private final Duration waitBound;
    private final Duration lockWait;

    /**
     * @param commits the commits to ask, or {@code null} to publish without asking
     * @param waitBound how long the straggler waits for its copy, or for {@code go/}: only bounds a
     *        hang, a test expecting either fails on its own evidence when it does not come
     * @param lockWait how long an attempt waits for its partition's lock (for a zombie's copy:
     *        longer than the executors' ZooKeeper session timeout)
     */
    public SpeculatedPartitionWriter(PartitionCommits commits, Path folder, int straggler, Straggle straggle,
            Duration waitBound, Duration lockWait) {
        this.commits = commits;
        this.folder = folder.toAbsolutePath().toString();
        this.straggler = straggler;
        this.straggle = straggle;
        this.waitBound = waitBound;
        this.lockWait = lockWait;
    }

    public static Path output(Path folder) {
        return folder.resolve("output");
    }

    public static Path started(Path folder) {
        return folder.resolve("started");
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

    public static Path go(Path folder) {
        return folder.resolve("go");
    }

    /** The {@code key=value} words of a signal's first line. */
    public static Map<String, String> fields(String signal) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String word : signal.lines().findFirst().orElse("").split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return fields;
    }

    @Override
    public void call(Iterator<Integer> rows) throws Exception {
        TaskAttempt me = TaskAttempt.current();
        Path root = Path.of(folder);
        String name = FencedPartitionWriter.name(me.partitionId(), me.attemptNumber());
        StringBuilder data = new StringBuilder();
        rows.forEachRemaining(row -> data.append(row).append('\n'));
        Path staged = FencedPartitionWriter.write(root.resolve("staging").resolve(name), data.toString());
        FencedPartitionWriter.write(started(root).resolve(name), "pid=" + pid() + " executor=" + me.executorId());

        boolean straggling = me.partitionId() == straggler;
        boolean original = straggling && me.attemptNumber() == 0;
        if (original && straggle == Straggle.RACE) {
            await(() -> count(started(root), me.partitionId()) >= 2);
        }
        String outcome = commits == null ? publishUnasked(root, staged, me, original) : commit(root, staged, me, original);
        FencedPartitionWriter.write(outcomes(root).resolve(name), outcome);
        if (straggling && straggle == Straggle.RACE) {
            await(() -> count(outcomes(root), me.partitionId()) >= count(started(root), me.partitionId()));
        }
    }

    private String publishUnasked(Path root, Path staged, TaskAttempt me, boolean original) throws IOException {
        boolean killed = false;
        if (original && straggle == Straggle.ZOMBIE) {
            announce(root, me, "none");
            killed = lingerLikeAZombie(root, me);
        }
        publish(root, staged, me);
        return decision("PUBLISHED", me, "none", killed, staged.toString());
    }

    private String commit(Path root, Path staged, TaskAttempt me, boolean original) throws Exception {
        if (me.partitionId() == straggler && me.attemptNumber() > 0) {
            String holder = new LockInspector(ExecutorClients.client(commits.settings()))
                    .lock(FencedPartitionWriter.lockPath(commits, me.stageId(), me.partitionId()))
                    .map(l -> "pid=" + l.holder().pid() + " token=" + l.token() + "\n" + l.holder())
                    .orElse("pid=none");
            FencedPartitionWriter.write(seen(root).resolve(FencedPartitionWriter.name(me.partitionId(), me.attemptNumber())),
                    holder);
        }
        try (PartitionLock lock = commits.lockCurrentPartition(lockWait)) {
            String token = Long.toString(lock.token());
            boolean killed = false;
            if (original && straggle == Straggle.ZOMBIE) {
                announce(root, me, token);
                killed = lingerLikeAZombie(root, me);
            }
            try {
                CommitResult result = lock.commit();
                if (result.committed()) {
                    publish(root, staged, me);
                    return decision("COMMITTED", me, token, killed, result.toString());
                }
                Files.delete(staged);
                return decision("ALREADY_COMMITTED", me, token, killed, result.toString());
            } catch (LockLostException refused) {
                Files.delete(staged);
                return decision("REFUSED", me, token, killed, refused.toString());
            }
        }
    }

    private void announce(Path root, TaskAttempt me, String token) throws IOException {
        FencedPartitionWriter.write(holding(root).resolve(FencedPartitionWriter.name(me.partitionId(), me.attemptNumber())),
                "pid=" + pid() + " token=" + token + " stage=" + me.stageId() + " executor=" + me.executorId());
    }

    /**
     * Waits for the test's go, then for Spark's kill of this attempt (its thread interrupted), and
     * carries on regardless. Waiting for the kill first makes the late commit deterministic: it
     * then never races the interrupt, which would fail it for a different reason.
     *
     * @return whether Spark's kill arrived
     */
    private boolean lingerLikeAZombie(Path root, TaskAttempt me) {
        Path go = go(root).resolve(FencedPartitionWriter.name(me.partitionId(), me.attemptNumber()));
        boolean killed = false;
        long end = System.nanoTime() + waitBound.toNanos();
        while (!Files.exists(go) && System.nanoTime() - end < 0) {
            killed |= nap();
        }
        long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!killed && System.nanoTime() - killDeadline < 0) {
            killed = nap();
        }
        return killed | Thread.interrupted();
    }

    /** Sleeps a moment; returns whether the thread was interrupted, which it then ignores. */
    private static boolean nap() {
        try {
            Thread.sleep(20);
            return false;
        } catch (InterruptedException kill) {
            return true;
        }
    }

    private static void publish(Path root, Path staged, TaskAttempt me) throws IOException {
        Path published = output(root).resolve("part-" + me.partitionId() + "-attempt-" + me.attemptNumber());
        Files.createDirectories(published.getParent());
        Files.move(staged, published, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String decision(String outcome, TaskAttempt me, String token, boolean killed, String detail) {
        return "outcome=" + outcome + " executor=" + me.executorId() + " pid=" + pid() + " token=" + token
                + " killedBySpark=" + killed + "\n" + detail;
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Files of the partition's attempts in {@code dir}. */
    private static long count(Path dir, int partition) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("p" + partition + "-a")
                    && !f.getFileName().toString().endsWith(".partial")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + waitBound.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - end < 0) {
            Thread.sleep(20);
        }
    }
}
