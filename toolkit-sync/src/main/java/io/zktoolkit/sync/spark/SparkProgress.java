package io.zktoolkit.sync.spark;

import io.zktoolkit.sync.state.RunState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the listener knows about the application, kept in memory and updated on Spark's listener
 * bus: a few counter increments per event, never ZooKeeper. The publisher thread {@link #drain}s
 * the entries changed since its last look, so a burst of 10,000 task ends becomes one update per
 * stage per round. Finished Spark jobs and stages leave the model once drained: a long-running
 * application does not grow it.
 */
final class SparkProgress {
    /** Board id of the application's own entry in {@link Update}. */
    static final String APPLICATION = "";
    private static final int MAX_REASON = 1000;

    /** One board entry's new state: the application (id {@link #APPLICATION}) or one of its board tasks. */
    record Update(String id, RunState state, long done, long total, String reason, Map<String, String> attributes) {
        boolean isApplication() {
            return id.equals(APPLICATION);
        }
    }

    private abstract static class Entry {
        final String id;
        RunState state = RunState.QUEUED;
        String reason = "";

        Entry(String id) {
            this.id = id;
        }

        abstract Update update();
    }

    private final class Application extends Entry {
        String name;
        String appId;
        String user;
        long tasksDone;
        long tasksTotal;
        long tasksFailed;
        int jobsSucceeded;
        int jobsFailed;
        int stagesCompleted;
        String firstJobFailure;

        Application() {
            super(APPLICATION);
        }

        @Override
        Update update() {
            Map<String, String> a = new LinkedHashMap<>();
            a.put("appId", String.valueOf(appId));
            a.put("appName", String.valueOf(name));
            a.put("user", String.valueOf(user));
            a.put("jobsSucceeded", Integer.toString(jobsSucceeded));
            a.put("jobsFailed", Integer.toString(jobsFailed));
            a.put("stagesCompleted", Integer.toString(stagesCompleted));
            a.put("tasksFailed", Long.toString(tasksFailed));
            return new Update(id, state, tasksDone, tasksTotal, reason, a);
        }
    }

    private static final class SparkJob extends Entry {
        final int jobId;
        final List<Integer> stageIds;
        final long total;
        long done;
        long failed;

        SparkJob(int jobId, List<Integer> stageIds, long total) {
            super("job-" + jobId);
            this.jobId = jobId;
            this.stageIds = stageIds;
            this.total = total;
        }

        @Override
        Update update() {
            return new Update(id, state, done, total, reason, Map.of("sparkJobId", Integer.toString(jobId),
                    "stages", stageIds.toString(), "tasksFailed", Long.toString(failed)));
        }
    }

    private static final class Stage extends Entry {
        final int stageId;
        int attempt;
        String name;
        int numTasks;
        BitSet done = new BitSet();
        long failed;
        long killed;
        long recordsRead;
        long bytesRead;
        long recordsWritten;
        long bytesWritten;
        long shuffleRead;
        long shuffleWritten;

        Stage(int stageId) {
            super("stage-" + stageId);
            this.stageId = stageId;
        }

        @Override
        Update update() {
            Map<String, String> a = new LinkedHashMap<>();
            a.put("sparkStageId", Integer.toString(stageId));
            a.put("attempt", Integer.toString(attempt));
            a.put("name", name);
            a.put("tasksFailed", Long.toString(failed));
            a.put("tasksKilled", Long.toString(killed));
            a.put("recordsRead", Long.toString(recordsRead));
            a.put("bytesRead", Long.toString(bytesRead));
            a.put("recordsWritten", Long.toString(recordsWritten));
            a.put("bytesWritten", Long.toString(bytesWritten));
            a.put("shuffleBytesRead", Long.toString(shuffleRead));
            a.put("shuffleBytesWritten", Long.toString(shuffleWritten));
            return new Update(id, state, done.cardinality(), numTasks, reason, a);
        }
    }

    private static final class SparkTask extends Entry {
        final Map<String, String> attributes = new LinkedHashMap<>();

        SparkTask(int stageId, int index) {
            super("stage-" + stageId + "-task-" + index);
        }

        @Override
        Update update() {
            return new Update(id, state, state == RunState.SUCCEEDED ? 1 : 0, 1, reason, attributes);
        }
    }

    /** The metrics of one finished task that the stage adds up. */
    record TaskMetricsSum(long recordsRead, long bytesRead, long recordsWritten, long bytesWritten, long shuffleRead,
            long shuffleWritten) {
        static final TaskMetricsSum NONE = new TaskMetricsSum(0, 0, 0, 0, 0, 0);
    }

    private final boolean perTask;
    private final Application application = new Application();
    private final Map<Integer, SparkJob> jobs = new HashMap<>();
    private final Map<Integer, Stage> stages = new HashMap<>();
    private final Map<Integer, List<SparkJob>> jobsOfStage = new HashMap<>();
    private final Map<String, SparkTask> tasks = new HashMap<>();
    private final LinkedHashMap<String, Entry> changed = new LinkedHashMap<>();
    private long events;

    SparkProgress(boolean perTask) {
        this.perTask = perTask;
    }

    synchronized void applicationStarted(String name, String appId, String user) {
        application.name = name;
        application.appId = appId;
        application.user = user;
        application.state = RunState.RUNNING;
        touch(application);
    }

    /** The application's name and id once known (from its start), for the default board job id. */
    synchronized String[] identity() {
        return application.appId == null ? null : new String[] {application.name, application.appId};
    }

    synchronized boolean applicationEnded() {
        return application.state.isFinished();
    }

    synchronized void jobStarted(int jobId, Map<Integer, Integer> tasksPerStage) {
        long total = tasksPerStage.values().stream().mapToLong(Integer::longValue).sum();
        SparkJob job = new SparkJob(jobId, new ArrayList<>(tasksPerStage.keySet()), total);
        job.state = RunState.RUNNING;
        jobs.put(jobId, job);
        tasksPerStage.keySet().forEach(s -> jobsOfStage.computeIfAbsent(s, k -> new ArrayList<>()).add(job));
        application.tasksTotal += total;
        touch(job);
        touch(application);
    }

    synchronized void stageSubmitted(int stageId, int attempt, String name, int numTasks) {
        Stage stage = stages.computeIfAbsent(stageId, Stage::new);
        if (stage.attempt != attempt || stage.state.isFinished()) {
            stage.done = new BitSet();
        }
        stage.attempt = attempt;
        stage.name = name;
        stage.numTasks = numTasks;
        stage.state = RunState.RUNNING;
        stage.reason = "";
        touch(stage);
    }

    /** @param host the executor's host, as Spark names it (its Worker's address on a standalone cluster) */
    synchronized void taskStarted(int stageId, int index, int attempt, long taskId, String executor, String host) {
        if (!perTask) {
            return;
        }
        SparkTask task = tasks.computeIfAbsent(stageId + "/" + index, k -> new SparkTask(stageId, index));
        task.state = RunState.RUNNING;
        task.reason = "";
        task.attributes.put("attempt", Integer.toString(attempt));
        task.attributes.put("tid", Long.toString(taskId));
        task.attributes.put("executor", executor);
        task.attributes.put("host", host);
        touch(task);
    }

    /**
     * @param outcome SUCCEEDED, FAILED or CANCELLED (killed)
     * @param reason  why it failed or was killed, empty on success
     */
    synchronized void taskEnded(int stageId, int index, RunState outcome, String reason, long durationMs, TaskMetricsSum metrics) {
        events++;
        Stage stage = stages.get(stageId);
        if (stage != null) {
            if (outcome == RunState.SUCCEEDED && !stage.done.get(index)) {
                stage.done.set(index);
                application.tasksDone++;
                forJobsOf(stageId, job -> job.done++);
            } else if (outcome == RunState.FAILED) {
                stage.failed++;
                application.tasksFailed++;
                forJobsOf(stageId, job -> job.failed++);
            } else if (outcome == RunState.CANCELLED) {
                stage.killed++;
            }
            stage.recordsRead += metrics.recordsRead();
            stage.bytesRead += metrics.bytesRead();
            stage.recordsWritten += metrics.recordsWritten();
            stage.bytesWritten += metrics.bytesWritten();
            stage.shuffleRead += metrics.shuffleRead();
            stage.shuffleWritten += metrics.shuffleWritten();
            touch(stage);
            touch(application);
        }
        SparkTask task = perTask ? tasks.remove(stageId + "/" + index) : null;
        if (task != null) {
            task.state = outcome;
            task.reason = shorten(reason);
            task.attributes.put("durationMs", Long.toString(durationMs));
            touch(task);
        }
    }

    private void forJobsOf(int stageId, java.util.function.Consumer<SparkJob> action) {
        List<SparkJob> of = jobsOfStage.get(stageId);
        if (of != null) {
            of.forEach(job -> {
                action.accept(job);
                touch(job);
            });
        }
    }

    /** @param failureReason empty when the stage succeeded */
    synchronized void stageCompleted(int stageId, String failureReason) {
        Stage stage = stages.remove(stageId);
        if (stage == null) {
            return;
        }
        stage.state = failureReason.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED;
        stage.reason = shorten(failureReason);
        if (failureReason.isEmpty()) {
            application.stagesCompleted++;
        }
        touch(stage);
        touch(application);
    }

    /** @param failureReason empty when the job succeeded */
    synchronized void jobEnded(int jobId, String failureReason) {
        SparkJob job = jobs.remove(jobId);
        if (job == null) {
            return;
        }
        for (Integer stageId : job.stageIds) {
            List<SparkJob> of = jobsOfStage.get(stageId);
            if (of != null) {
                of.remove(job);
                if (of.isEmpty()) {
                    jobsOfStage.remove(stageId);
                }
            }
        }
        if (failureReason.isEmpty()) {
            job.state = RunState.SUCCEEDED;
            application.jobsSucceeded++;
        } else {
            job.state = RunState.FAILED;
            job.reason = shorten(failureReason);
            application.jobsFailed++;
            if (application.firstJobFailure == null) {
                application.firstJobFailure = "Spark job " + jobId + " failed: " + job.reason;
            }
        }
        touch(job);
        touch(application);
    }

    /**
     * The application ends FAILED when Spark reports a non-zero exit code or when any of its
     * Spark jobs failed (the reason names the first), SUCCEEDED otherwise.
     */
    synchronized void applicationEnded(Integer exitCode) {
        if (exitCode != null && exitCode != 0) {
            application.state = RunState.FAILED;
            application.reason = "Spark application ended with exit code " + exitCode
                    + (application.firstJobFailure == null ? "" : "; " + application.firstJobFailure);
        } else if (application.firstJobFailure != null) {
            application.state = RunState.FAILED;
            application.reason = application.jobsFailed + " Spark job(s) failed; " + application.firstJobFailure;
        } else {
            application.state = RunState.SUCCEEDED;
        }
        touch(application);
    }

    /** The entries changed since the last drain, in the order of their last change; the application last. */
    synchronized List<Update> drain() {
        List<Update> updates = new ArrayList<>(changed.size());
        Entry app = changed.remove(APPLICATION);
        changed.values().forEach(e -> updates.add(e.update()));
        changed.clear();
        if (app != null) {
            updates.add(app.update());
        }
        return updates;
    }

    /** Task ends seen so far. */
    synchronized long taskEvents() {
        return events;
    }

    private void touch(Entry entry) {
        // A retried task is a new entry under the same id: the queued one (its failed attempt) must
        // give way, or the retry's later changes in the same interval would never be drained.
        if (changed.get(entry.id) != entry) {
            changed.remove(entry.id);
            changed.put(entry.id, entry);
        }
    }

    /** A reason short enough for a status znode: Spark's failure reasons carry whole stack traces. */
    static String shorten(String reason) {
        if (reason == null) {
            return "";
        }
        int stack = reason.indexOf("\n\tat ");
        String head = stack > 0 ? reason.substring(0, stack) : reason;
        return head.length() > MAX_REASON ? head.substring(0, MAX_REASON) + "..." : head;
    }
}
