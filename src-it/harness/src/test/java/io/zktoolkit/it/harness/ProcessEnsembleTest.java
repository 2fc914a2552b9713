package io.zktoolkit.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessEnsembleTest {

    private static final String PATH = "/harness/process";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void survivesALeaderCrashAndAFrozenFollower() throws Exception {
        ProcessEnsemble ensemble = ProcessEnsemble.start(3);
        Path baseDir = ensemble.baseDir();
        List<Long> pids = new ArrayList<>();
        try (ensemble; RetryingClient client = RetryingClient.connect(ensemble.connectString())) {
            IntStream.range(0, 3).forEach(index -> pids.add(ensemble.pid(index)));
            List<String> modes = modes(ensemble);
            assertThat(modes).containsOnly("leader", "follower");
            assertThat(modes).filteredOn("leader"::equals).hasSize(1);
            int leader = ensemble.leaderIndex().orElseThrow();
            assertThat(modes.get(leader)).isEqualTo("leader");
            client.write(PATH, "before-crash", PATIENCE);

            ensemble.kill9(leader);
            assertThat(ensemble.isRunning(leader)).isFalse();
            assertThat(ensemble.mode(leader)).isEqualTo(ProcessEnsemble.UNREACHABLE);
            client.write(PATH, "after-crash", PATIENCE);
            ensemble.awaitQuorum(PATIENCE);
            int newLeader = ensemble.leaderIndex().orElseThrow();
            assertThat(newLeader).isNotEqualTo(leader);

            ensemble.restart(leader);
            pids.add(ensemble.pid(leader));
            awaitMode(ensemble, leader, "follower");
            try (RetryingClient direct = RetryingClient.connect(ensemble.connectString(leader))) {
                direct.awaitValue(PATH, "after-crash", PATIENCE);
            }

            int follower = IntStream.range(0, 3).filter(index -> index != newLeader).findFirst().orElseThrow();
            ensemble.pause(follower);
            assertThat(ensemble.isRunning(follower)).isTrue();
            assertThat(ensemble.mode(follower)).isEqualTo(ProcessEnsemble.UNREACHABLE);
            client.write(PATH, "while-paused", PATIENCE);
            assertThat(client.read(PATH)).isEqualTo("while-paused");

            ensemble.resume(follower);
            ensemble.awaitQuorum(PATIENCE);
            awaitMode(ensemble, follower, "follower");
        }
        assertThat(pids).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty());
        assertThat(baseDir).doesNotExist();
    }

    /**
     * A server that rejoined can drop out again for a moment on a loaded machine (it must sync
     * within syncLimit), so its mode is awaited rather than read once.
     */
    private static void awaitMode(ProcessEnsemble ensemble, int index, String mode) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!ensemble.mode(index).equals(mode) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(ensemble.mode(index)).as("server " + index).isEqualTo(mode);
    }

    @Test
    void singleServerRunsStandalone() throws Exception {
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(1);
                RetryingClient client = RetryingClient.connect(ensemble.connectString())) {
            assertThat(ensemble.size()).isEqualTo(1);
            assertThat(ensemble.connectString()).isEqualTo(ensemble.connectString(0));
            assertThat(ensemble.mode(0)).isEqualTo("standalone");
            assertThat(ensemble.leaderIndex()).hasValue(0);
            assertThat(Files.readString(ensemble.baseDir().resolve("server-0/data/myid")).trim()).isEqualTo("1");

            client.write(PATH, "standalone", PATIENCE);
            assertThat(client.read(PATH)).isEqualTo("standalone");
        }
    }

    private static List<String> modes(ProcessEnsemble ensemble) {
        return IntStream.range(0, ensemble.size()).mapToObj(ensemble::mode).toList();
    }
}
