package io.zktoolkit.it.sparkcluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * The task attempts the driver's scheduler launched and how each ended, as Spark's listener bus
 * reports them: evidence of retries independent of what the tasks wrote.
 */
final class TaskLaunches extends SparkListener {
    record Launch(int partitionId, int attemptNumber, String executorId, String host, boolean speculative) {
    }

    record End(int partitionId, int attemptNumber, String executorId, String reason) {
    }

    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private final List<End> ends = new CopyOnWriteArrayList<>();

    @Override
    public void onTaskStart(SparkListenerTaskStart event) {
        launches.add(new Launch(event.taskInfo().partitionId(), event.taskInfo().attemptNumber(),
                event.taskInfo().executorId(), event.taskInfo().host(), event.taskInfo().speculative()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        ends.add(new End(event.taskInfo().partitionId(), event.taskInfo().attemptNumber(),
                event.taskInfo().executorId(), event.reason().toString()));
    }

    List<Launch> of(int partitionId) {
        return launches.stream().filter(l -> l.partitionId() == partitionId).toList();
    }

    List<End> endsOf(int partitionId) {
        return ends.stream().filter(e -> e.partitionId() == partitionId).toList();
    }

    @Override
    public String toString() {
        return "launches " + launches + ", ends " + ends;
    }
}
