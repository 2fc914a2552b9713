package io.zktoolkit.recovery.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.locks.LeaderElection;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.recovery.failover.EpochFence;
import io.zktoolkit.recovery.failover.Takeover;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's commit protocol on a real quorum, without Spark (the sink hands the batch to the
 * output untouched): once per batch id, and never for an active that was replaced while it
 * staged. Spark's side is in {@code src-it/spark-it}'s {@code ActiveStandbyStreamingIT}.
 */
class FencedBatchSinkTest {
    private static final String GROUP = "orders-stream";
    private static final String EPOCH = "/failover/" + GROUP + "/epoch";
    private static final String SINKS = "/failover/" + GROUP + "/sinks";
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    /** Records what the sink asked of it; {@code onStage} runs inside stage, as a slow write would. */
    private static final class RecordingOutput implements BatchOutput {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile ThrowingRunnable onStage = () -> { };

        @Override
        public void stage(Dataset<Row> batch, long batchId, long token) throws Exception {
            calls.add("stage " + batchId + " " + token);
            onStage.run();
        }

        @Override
        public void publish(long batchId, long token) {
            calls.add("publish " + batchId + " " + token);
        }

        @Override
        public void discard(long batchId, long token) {
            calls.add("discard " + batchId + " " + token);
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private Leadership lead(ToolkitClient client, String id) throws InterruptedException {
        LeaderElection election = zk.closeLater(LeaderElection.create(client, GROUP, id));
        election.start();
        return election.awaitLeadership(Duration.ofSeconds(30)).orElseThrow();
    }

    private static ActiveRun run(ToolkitClient client, Leadership leadership) {
        Takeover takeover = new Takeover(leadership, leadership.previousLeader(), Instant.now(), Duration.ZERO);
        return new ActiveRun(null, takeover, client.curator(), new EpochFence(client.curator(), EPOCH), SINKS);
    }

    @Test
    void aBatchIsCommittedOnceAndAReplayOnlyFinishesItsPublish() throws Exception {
        ToolkitClient client = zk.open();
        Leadership leadership = lead(client, "driver-a");
        RecordingOutput output = new RecordingOutput();
        FencedBatchSink sink = run(client, leadership).fencedSink("out", output);
        long t = leadership.token();

        sink.call(null, 0L);
        sink.call(null, 1L);
        sink.call(null, 1L); // Spark replays a batch whose commit log entry it did not write
        sink.call(null, 0L);

        assertThat(output.calls).containsExactly("stage 0 " + t, "publish 0 " + t, "stage 1 " + t, "publish 1 " + t,
                "publish 1 " + t);
        assertThat(new String(client.curator().getData().forPath(SINKS + "/out"), StandardCharsets.UTF_8))
                .isEqualTo("1\n" + t);
    }

    @Test
    void anActiveReplacedWhileItStagedHasItsBatchRefusedAndDiscarded() throws Exception {
        ToolkitClient clientA = zk.open(Duration.ofSeconds(2));
        ToolkitClient clientB = zk.open(Duration.ofSeconds(2));
        Leadership a = lead(clientA, "driver-a");
        LeaderElection electionB = zk.closeLater(LeaderElection.create(clientB, GROUP, "driver-b"));
        electionB.start();
        RecordingOutput outputA = new RecordingOutput();
        RecordingOutput outputB = new RecordingOutput();
        FencedBatchSink sinkA = run(clientA, a).fencedSink("out", outputA);
        sinkA.call(null, 0L);
        FencedBatchSink[] sinkB = new FencedBatchSink[1];
        // While A stages batch 1, its session ends; B takes over, fences A and commits batch 1 itself.
        outputA.onStage = () -> {
            zk.expireSession(clientA);
            Leadership b = electionB.awaitLeadership(Duration.ofSeconds(30)).orElseThrow();
            new EpochFence(clientB.curator(), EPOCH).fence(b.previousLeader().orElseThrow(), b);
            sinkB[0] = run(clientB, b).fencedSink("out", outputB);
            sinkB[0].call(null, 1L);
        };

        assertThatThrownBy(() -> sinkA.call(null, 1L)).isInstanceOf(BatchRefusedException.class)
                .hasMessageContaining("Batch 1 of the active with token " + a.token() + " was refused")
                .hasMessageContaining("last committed batch 1 with token " + sinkB[0].token())
                .hasMessageContaining("nothing of this attempt was published");

        long tb = sinkB[0].token();
        assertThat(tb).isGreaterThan(a.token());
        assertThat(outputA.calls).containsExactly("stage 0 " + a.token(), "publish 0 " + a.token(),
                "stage 1 " + a.token(), "discard 1 " + a.token());
        assertThat(outputB.calls).containsExactly("stage 1 " + tb, "publish 1 " + tb);
        // A later batch of the replaced active is refused before it is even staged.
        assertThatThrownBy(() -> sinkA.call(null, 2L)).isInstanceOf(BatchRefusedException.class)
                .hasMessageContaining("Fenced: the epoch at /failover/" + GROUP + "/epoch is " + tb);
        assertThat(outputA.calls).hasSize(4);
    }

    @Test
    void aBadSinkNameOrAForeignZnodeIsRefusedNamingIt() throws Exception {
        ToolkitClient client = zk.open();
        ActiveRun run = run(client, lead(client, "driver-a"));
        RecordingOutput output = new RecordingOutput();

        for (String bad : new String[] {"", "a/b", ".."}) {
            assertThatThrownBy(() -> run.fencedSink(bad, output)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid sink name '" + bad + "'")
                    .hasMessageContaining(SINKS + "/<name>");
        }
        client.curator().create().creatingParentsIfNeeded().forPath(SINKS + "/foreign", "hello".getBytes(StandardCharsets.UTF_8));
        FencedBatchSink sink = run.fencedSink("foreign", output);
        assertThatThrownBy(() -> sink.call(null, 0L)).isInstanceOf(CorruptSyncDataException.class)
                .hasMessageContaining(SINKS + "/foreign").hasMessageContaining("expected a batch id and a token");
        assertThat(output.calls).isEmpty();
        assertThat(new String(client.curator().getData().forPath(SINKS + "/foreign"), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
}
