package io.zktoolkit.it.spark;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Every task attempt the driver's scheduler launched and how each ended, as Spark's listener bus
 * reports them: the evidence that several attempts of one partition really ran, independent of
 * what the tasks themselves wrote.
 */
final class TaskAttemptRecorder extends SparkListener {
    /** One launched attempt. */
    record Launch(int stageId, int partitionId, int attemptNumber, boolean speculative, String executorId, String host) {
    }

    /** How one attempt ended ({@code Success}, {@code TaskKilled(another attempt succeeded,...)}, ...). */
    record End(int stageId, int partitionId, int attemptNumber, String reason) {
    }

    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private final List<End> ends = new CopyOnWriteArrayList<>();

    @Override
    public void onTaskStart(SparkListenerTaskStart event) {
        TaskInfo task = event.taskInfo();
        launches.add(new Launch(event.stageId(), task.partitionId(), task.attemptNumber(), task.speculative(),
                task.executorId(), task.host()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        TaskInfo task = event.taskInfo();
        ends.add(new End(event.stageId(), task.partitionId(), task.attemptNumber(), event.reason().toString()));
    }

    List<Launch> launches() {
        return List.copyOf(launches);
    }

    List<Launch> launchesOf(int partitionId) {
        return launches.stream().filter(l -> l.partitionId() == partitionId).toList();
    }

    List<End> ends() {
        return List.copyOf(ends);
    }
}
