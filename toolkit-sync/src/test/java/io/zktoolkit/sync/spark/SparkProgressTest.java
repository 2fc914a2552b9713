package io.zktoolkit.sync.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.sync.state.RunState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The board model the job progress listener folds Spark's events into between publishes. */
class SparkProgressTest {

    @Test
    void aTaskRetriedAndFinishedWithinOneIntervalEndsWithItsRetrysState() {
        SparkProgress progress = new SparkProgress(true);
        progress.jobStarted(0, Map.of(0, 2));
        progress.stageSubmitted(0, 0, "map", 2);
        progress.drain();

        // Attempt 0 dies with its executor; attempt 1 runs elsewhere and succeeds, all before the next publish.
        progress.taskStarted(0, 1, 0, 7, "1", "127.0.0.2");
        progress.taskEnded(0, 1, RunState.FAILED, "ExecutorLostFailure (executor 1 exited)", 900, SparkProgress.TaskMetricsSum.NONE);
        progress.taskStarted(0, 1, 1, 9, "2", "127.0.0.3");
        progress.taskEnded(0, 1, RunState.SUCCEEDED, "", 300, SparkProgress.TaskMetricsSum.NONE);

        List<SparkProgress.Update> task = progress.drain().stream().filter(u -> u.attributes().containsKey("tid")).toList();
        assertThat(task).hasSize(1);
        assertThat(task.get(0).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(task.get(0).attributes()).containsEntry("attempt", "1").containsEntry("host", "127.0.0.3");
    }

    @Test
    void anEntryChangedTwiceInAnIntervalIsPublishedOnceWithItsLastState() {
        SparkProgress progress = new SparkProgress(true);
        progress.jobStarted(0, Map.of(0, 1));
        progress.stageSubmitted(0, 0, "map", 1);
        progress.taskStarted(0, 0, 0, 1, "1", "127.0.0.2");
        progress.taskEnded(0, 0, RunState.SUCCEEDED, "", 10, SparkProgress.TaskMetricsSum.NONE);

        List<SparkProgress.Update> updates = progress.drain();
        assertThat(updates.stream().filter(u -> u.attributes().containsKey("tid"))).singleElement()
                .extracting(SparkProgress.Update::state).isEqualTo(RunState.SUCCEEDED);
        assertThat(updates.get(updates.size() - 1).isApplication()).as("the application last").isTrue();
        assertThat(progress.drain()).isEmpty();
    }
}
