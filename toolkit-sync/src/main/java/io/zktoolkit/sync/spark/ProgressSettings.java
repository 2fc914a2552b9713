package io.zktoolkit.sync.spark;

import io.zktoolkit.sync.state.JobBoard;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The {@value JobProgressListener#KEY_PREFIX}* keys of a SparkConf, checked when the listener is
 * made: a typo fails the application's start instead of silently publishing somewhere else.
 *
 * @param jobId           the board job's id, or empty for {@code <appName>-<appId>}
 * @param root            the board's root znode
 * @param perTask         whether every Spark task gets its own board task (one znode each)
 * @param interval        how often the model is copied to the board
 * @param closeTimeout    how long application end waits for the last state to be written
 */
record ProgressSettings(Optional<String> jobId, String root, boolean perTask, Duration interval, Duration closeTimeout) {
    static final String JOB_KEY = JobProgressListener.KEY_PREFIX + "job";
    static final String ROOT_KEY = JobProgressListener.KEY_PREFIX + "root";
    static final String TASKS_KEY = JobProgressListener.KEY_PREFIX + "tasks";
    static final String INTERVAL_KEY = JobProgressListener.KEY_PREFIX + "interval";
    static final String CLOSE_TIMEOUT_KEY = JobProgressListener.KEY_PREFIX + "closeTimeout";
    private static final List<String> KEYS = List.of(JOB_KEY, ROOT_KEY, TASKS_KEY, INTERVAL_KEY, CLOSE_TIMEOUT_KEY);

    /**
     * @throws IllegalArgumentException naming the key at fault, also an unknown key under the prefix
     */
    static ProgressSettings from(SparkConf conf) {
        for (Tuple2<String, String> entry : conf.getAllWithPrefix(JobProgressListener.KEY_PREFIX)) {
            String key = JobProgressListener.KEY_PREFIX + entry._1();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown SparkConf key " + key + "; the job progress listener reads " + KEYS);
            }
        }
        Optional<String> job = conf.contains(JOB_KEY) ? Optional.of(JobBoard.checkId(JOB_KEY, conf.get(JOB_KEY))) : Optional.empty();
        String root = conf.get(ROOT_KEY, JobBoard.ROOT);
        if (!root.startsWith("/") || root.length() < 2 || root.endsWith("/")) {
            throw new IllegalArgumentException("Invalid " + ROOT_KEY + " '" + root + "': expected an absolute znode path such as "
                    + JobBoard.ROOT);
        }
        String tasks = conf.get(TASKS_KEY, "false").trim();
        if (!tasks.equalsIgnoreCase("true") && !tasks.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("Invalid " + TASKS_KEY + " '" + tasks + "': expected true or false");
        }
        Duration interval = time(conf, INTERVAL_KEY, Duration.ofMillis(200));
        Duration closeTimeout = time(conf, CLOSE_TIMEOUT_KEY, Duration.ofSeconds(10));
        if (interval.isZero()) {
            throw new IllegalArgumentException("Invalid " + INTERVAL_KEY + ": must be positive, for example 200ms");
        }
        return new ProgressSettings(job, root, Boolean.parseBoolean(tasks), interval, closeTimeout);
    }

    private static Duration time(SparkConf conf, String key, Duration otherwise) {
        if (!conf.contains(key)) {
            return otherwise;
        }
        try {
            long ms = conf.getTimeAsMs(key);
            if (ms < 0) {
                throw new NumberFormatException("negative");
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid " + key + " '" + conf.get(key) + "': expected a time such as 200ms, 10s or 1min", e);
        }
    }
}
