package io.zktoolkit.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.config.testing.ZnodeTree;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.sync.barrier.DoubleBarrier;
import io.zktoolkit.sync.checkpoint.Checkpoint;
import io.zktoolkit.sync.checkpoint.CheckpointOrder;
import io.zktoolkit.sync.checkpoint.CheckpointStore;
import io.zktoolkit.sync.shared.DistributedCounter;
import io.zktoolkit.sync.shared.SharedValue;
import io.zktoolkit.sync.state.JobBoard;
import io.zktoolkit.sync.state.JobReporter;
import io.zktoolkit.sync.state.RunState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to toolkit-sync's public entry points (job board, checkpoints, barriers, counters,
 * shared values), on a real 3-server quorum: each refusal names the id, path or value at fault and
 * what would be valid, and the ensemble's whole tree, read with a plain client, shows nothing was
 * written; foreign bytes written into the module's znodes with a plain client are reported as
 * {@link CorruptSyncDataException} naming the znode, skipped by the board's view, and never
 * overwritten or repaired. The parsers themselves are fuzzed ({@code CheckpointFormatFuzzTest}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputBatteryTest {
    private static final String NS = "/zktoolkit";
    private static final String TOO_BIG = "x".repeat(1_100_000);

    private static QuorumClients quorum;
    private static ToolkitClient zk;
    private static CuratorFramework plain;
    private static JobBoard board;

    @BeforeAll
    static void start() {
        quorum = new QuorumClients();
        zk = quorum.open();
        plain = quorum.closeLater(ZnodeTree.plainClient(quorum.connectString()));
        board = quorum.closeLater(JobBoard.builder(zk).waitTimeout(Duration.ofSeconds(20)).build());
        board.start();
    }

    @AfterAll
    static void stop() {
        quorum.close();
    }

    @Test
    void invalidIdsAndNamesAreRefusedBeforeAnyWrite() throws Exception {
        JobReporter job = board.publish("battery-names");
        assertThat(job.flush(Duration.ofSeconds(10))).isTrue();
        Map<String, String> before = ZnodeTree.read(plain);

        String[] badNames = {"", "/x", "x/y", "..", ".", "-x", "x\u0000y", "x\u0001", "x\ny", "x y", "x".repeat(201)};
        for (String bad : badNames) {
            for (Executable call : new Executable[] {() -> board.publish(bad), () -> board.resume(bad), () -> job.task(bad),
                    () -> DoubleBarrier.builder(zk, bad), () -> DoubleBarrier.builder(zk, "battery").memberId(bad)}) {
                assertThatThrownBy(call::execute).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageMatching("(?s)(Invalid (job id|task id|barrier name)|Barrier battery: invalid member id) '.*")
                        .hasMessageContaining(NodeNames.NAME_RULE)
                        .hasMessageNotContaining("\u0000").hasMessageNotContaining("\n");
            }
        }
        String[] badPaths = {"", "/x", "x/", "x//y", "..", "x/../y", ".", "x/./y", "x/\u0000y", "x\ny", "x y", "x".repeat(401)};
        CheckpointStore store = CheckpointStore.builder(zk).build();
        for (String bad : badPaths) {
            assertThatThrownBy(() -> store.checkpoint(bad, CheckpointOrder.NUMERIC)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Invalid checkpoint name '")
                    .hasMessageContaining(NodeNames.NAME_PATH_RULE)
                    .hasMessageNotContaining("\u0000").hasMessageNotContaining("\n");
            for (Executable call : new Executable[] {() -> SharedValue.named(zk, bad, "0"), () -> DistributedCounter.named(zk, bad)}) {
                assertThatThrownBy(call::execute).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageMatching("(?s)Invalid shared value path '/(values|counters)/.*")
                        .hasMessageContaining("at most 400 characters")
                        .hasMessageNotContaining("\u0000").hasMessageNotContaining("\n");
            }
        }
        for (String root : new String[] {"checkpoints", "/", "/a/../b", "/a/", "/a\u0000"}) {
            assertThatThrownBy(() -> CheckpointStore.builder(zk).root(root)).as("'%s'", root)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid checkpoint root '")
                    .hasMessageContaining("for example /checkpoints");
        }
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);
        job.succeeded();
        job.close();
    }

    /**
     * A write over jute.maxbuffer is not refused by ZooKeeper with an error: the server drops the
     * connection and Curator resends the request. Before the checks, a checkpoint or shared value
     * tried for the whole operation timeout and ended "outcome unknown", and the job board's
     * writer retried the oversized batch forever, holding up every later update of the job.
     */
    @Test
    void valuesOverTheNodeSizeLimitAreRefusedNamingTheLimitAndNothingIsQueuedOrWritten() throws Exception {
        String limit = "over the node size limit of " + (0xfffff - 16 * 1024) + " bytes (jute.maxbuffer " + 0xfffff;
        Checkpoint checkpoint = CheckpointStore.builder(zk).build().checkpoint("battery/size", Comparator.<String>naturalOrder());
        SharedValue value = SharedValue.named(zk, "battery/size", "");
        JobReporter job = board.publish("battery-size");
        job.running();
        assertThat(job.flush(Duration.ofSeconds(10))).isTrue();
        Map<String, String> before = ZnodeTree.read(plain);

        try (LockLease lease = FencedMutex.named(zk, "battery/size").acquire(Duration.ofSeconds(10)).orElseThrow()) {
            Map<String, String> held = ZnodeTree.read(plain);
            assertThatThrownBy(() -> checkpoint.advance(lease, TOO_BIG, "run-1"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Checkpoint battery/size (/checkpoints/battery/size) would be 1100")
                    .hasMessageContaining(limit).hasMessageEndingWith("Nothing was written");
            assertThat(ZnodeTree.read(plain)).as("not even the checkpoint's parent").isEqualTo(held);
        }
        assertThatThrownBy(() -> value.compareAndSet(value.get(), TOO_BIG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Shared value /values/battery/size would be").hasMessageContaining(limit);
        assertThatThrownBy(() -> job.attribute("blob", TOO_BIG)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Job battery-size: the status with 1 attributes").hasMessageContaining(limit);
        // A failure's reason is the caller's report of a failure: shortened, never refused.
        job.task("t").failed(TOO_BIG);
        assertThat(job.task("t").status().state()).isEqualTo(RunState.FAILED);
        assertThat(job.task("t").status().message()).hasSizeLessThan(4100).endsWith("(1096000 more characters not kept)");
        assertThatThrownBy(() -> job.succeeded(Map.of("blob", TOO_BIG))).isInstanceOf(IllegalArgumentException.class);
        assertThat(job.status().state()).isEqualTo(RunState.RUNNING);
        assertThat(job.status().attributes()).isEmpty();

        // Statuses that each fit but together exceed one request go in several transactions.
        String quarter = "q".repeat(250_000);
        for (int i = 0; i < 6; i++) {
            job.task("part-" + i).attribute("sample", quarter);
        }
        job.succeeded(Map.of("rows", "6"));
        assertThat(job.flush(Duration.ofSeconds(20))).as("last failure: %s", job.lastFailure()).isTrue();
        assertThat(board.awaitFinished("battery-size", Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(board.job("battery-size").orElseThrow().tasks()).hasSize(7);
        job.close();
        assertThat(before).doesNotContainKey(NS + "/values/battery/size").doesNotContainKey(NS + "/checkpoints/battery/size");
        assertThat(plain.checkExists().forPath(NS + "/values/battery/size")).isNull();
        assertThat(plain.checkExists().forPath(NS + "/checkpoints/battery/size")).isNull();
    }

    @Test
    void foreignBytesInCheckpointsCountersAndValuesAreReportedWithTheirPathAndNeverRepaired() throws Exception {
        Checkpoint checkpoint = CheckpointStore.builder(zk).build().checkpoint("battery/foreign", CheckpointOrder.NUMERIC);
        SharedValue value = SharedValue.named(zk, "battery/foreign", "");
        DistributedCounter counter = DistributedCounter.named(zk, "battery/foreign");
        try (LockLease lease = FencedMutex.named(zk, "battery/foreign").acquire(Duration.ofSeconds(10)).orElseThrow()) {
            checkpoint.advance(lease, "1", "run-1");
        }
        value.compareAndSet(value.get(), "v");
        counter.increment();

        Map<String, byte[]> foreign = new LinkedHashMap<>();
        foreign.put("the data is not UTF-8 text (3 bytes)", new byte[] {(byte) 0xc3, 0x28, (byte) 0xff});
        foreign.put("the znode is empty", new byte[0]);
        foreign.put("expected the header", utf8("{\"value\":\"1\"}"));
        foreign.put("found 'zktoolkit-", utf8("zktoolkit-shared-value\t1\n12"));
        Map<String, String> whatsWrong = Map.of("zktoolkit-checkpoint\t1\n2\t7", "line 2 is not a checkpoint record (2 fields instead of 8)",
                "zktoolkit-shared-value\t1\nseven\n", "the counter holds 'seven', not a whole number");
        for (var bytes : foreign.entrySet()) {
            for (String path : new String[] {"/checkpoints/battery/foreign", "/values/battery/foreign", "/counters/battery/foreign"}) {
                plain.setData().forPath(NS + path, bytes.getValue());
            }
            Map<String, String> before = ZnodeTree.read(plain);
            for (Executable call : new Executable[] {checkpoint::read, () -> advanceUnderLease(checkpoint, "2")}) {
                assertCorrupt(call, "/checkpoints/battery/foreign", bytes.getKey());
            }
            for (Executable call : new Executable[] {value::get, () -> value.compareAndSet(value.get(), "w")}) {
                assertCorrupt(call, "/values/battery/foreign", bytes.getKey());
            }
            for (Executable call : new Executable[] {counter::get, counter::increment}) {
                assertCorrupt(call, "/counters/battery/foreign", bytes.getKey());
            }
            assertThat(ZnodeTree.read(plain)).as(bytes.getKey()).isEqualTo(before);
        }
        for (var damaged : whatsWrong.entrySet()) {
            String path = damaged.getKey().startsWith("zktoolkit-checkpoint") ? "/checkpoints/battery/foreign" : "/counters/battery/foreign";
            plain.setData().forPath(NS + path, utf8(damaged.getKey()));
            Map<String, String> before = ZnodeTree.read(plain);
            assertCorrupt(path.startsWith("/checkpoints") ? () -> advanceUnderLease(checkpoint, "2") : counter::increment,
                    path, damaged.getValue());
            assertThat(ZnodeTree.read(plain)).isEqualTo(before);
        }
    }

    /**
     * A job and a task whose znodes another tool wrote: a fresh board's view skips them with a
     * warning naming each, keeps serving the good job, its cleaner leaves them alone, and resume
     * refuses naming the znode.
     */
    @Test
    void theBoardViewSkipsForeignJobAndTaskZnodesWithAWarningAndKeepsServingTheOthers() throws Exception {
        JobReporter good = board.publish("battery-good");
        good.task("ok").succeeded();
        good.task("spoiled").running();
        good.succeeded();
        assertThat(good.flush(Duration.ofSeconds(10))).isTrue();
        plain.create().forPath(NS + "/jobs/battery-foreign", new byte[] {(byte) 0xfe, (byte) 0xff, 0});
        plain.create().forPath(NS + "/jobs/battery-foreign/tasks", new byte[0]);
        plain.create().forPath(NS + "/jobs/battery-truncated", utf8("zktoolkit-run-status\t1\nbattery-truncated\tRUNNING\t3\n"));
        plain.setData().forPath(NS + "/jobs/battery-good/tasks/spoiled", utf8("{\"state\":\"RUNNING\"}"));
        Map<String, String> before = ZnodeTree.read(plain);

        try (CapturedLogs logs = CapturedLogs.start();
             JobBoard other = JobBoard.builder(zk).retention(Duration.ZERO).keepFinished(0).build()) {
            other.start();
            assertThat(other.awaitFinished("battery-good", Duration.ofSeconds(10)).state()).isEqualTo(RunState.SUCCEEDED);
            assertThat(other.job("battery-foreign")).isEmpty();
            assertThat(other.job("battery-truncated")).isEmpty();
            assertThat(other.job("battery-good").orElseThrow().tasks()).containsOnlyKeys("ok");
            assertThat(logs.text())
                    .contains("Job board: skipping Znode /jobs/battery-foreign does not hold data this toolkit wrote: the data is not UTF-8 text")
                    .contains("Job board: skipping Znode /jobs/battery-truncated does not hold data this toolkit wrote: not a job or task status")
                    .contains("Job board: skipping Znode /jobs/battery-good/tasks/spoiled does not hold data this toolkit wrote: expected the header");
            for (String id : new String[] {"battery-foreign", "battery-truncated"}) {
                assertThatThrownBy(() -> other.resume(id)).isInstanceOf(CorruptSyncDataException.class)
                        .hasMessageStartingWith("Znode /jobs/" + id + " does not hold data this toolkit wrote");
            }
            assertThat(plain.getData().forPath(NS + "/jobs/battery-good/tasks/spoiled")).asString(StandardCharsets.UTF_8)
                    .isEqualTo("{\"state\":\"RUNNING\"}");
            // Retention 0 and keep 0: the cleaner removes every finished job it can read, and none it cannot.
            assertThat(other.cleanUp()).contains("battery-good").doesNotContain("battery-foreign", "battery-truncated");
        }
        good.close();
        Map<String, String> after = ZnodeTree.read(plain);
        for (String path : new String[] {"/jobs/battery-foreign", "/jobs/battery-foreign/tasks", "/jobs/battery-truncated"}) {
            assertThat(after.get(NS + path)).as(path).isEqualTo(before.get(NS + path));
        }
    }

    private static void advanceUnderLease(Checkpoint checkpoint, String value) {
        try (LockLease lease = FencedMutex.named(zk, "battery/foreign").acquire(Duration.ofSeconds(10)).orElseThrow()) {
            checkpoint.advance(lease, value, "run-2");
        }
    }

    private static void assertCorrupt(Executable call, String path, String problem) {
        assertThatThrownBy(call::execute).as("%s: %s", path, problem)
                .isInstanceOf(CorruptSyncDataException.class)
                .hasMessageStartingWith("Znode " + path + " does not hold data this toolkit wrote: ")
                .hasMessageContaining(problem)
                .hasMessageContaining("it was left as is")
                .extracting(e -> ((CorruptSyncDataException) e).path()).isEqualTo(path);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
