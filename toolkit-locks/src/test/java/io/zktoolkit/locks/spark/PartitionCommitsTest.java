package io.zktoolkit.locks.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Partition locks and commit markers on a real 3-server ensemble, without Spark: attempts are given explicitly. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionCommitsTest {
    private InJvmQuorum quorum;
    private PortableSettings settings;
    private ToolkitClient observer;

    @BeforeEach
    void start() {
        quorum = InJvmQuorum.start(3);
        settings = PortableSettings.of(Map.of(
                "zk.connect", quorum.connectString(),
                "zk.session.timeout", "5s",
                "zk.retry.base.sleep", "50ms",
                "zk.retry.max.sleep", "500ms"));
        observer = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, quorum.connectString()).build());
    }

    @AfterEach
    void stop() throws Exception {
        ExecutorClients.closeAll();
        observer.close();
        quorum.close();
    }

    private static TaskAttempt attempt(int stage, int partition, int attempt) {
        return new TaskAttempt(stage, partition, attempt, 1000L * partition + attempt, "exec-" + attempt);
    }

    @Test
    void locksAndMarkersAreKeyedByStageAndPartitionNeverByAttempt() throws Exception {
        PartitionCommits commits = PartitionCommits.forRun(settings, "daily-orders", "run-1");
        assertThat(commits.lockPath(2, 5)).isEqualTo("/locks/spark/partitions/daily-orders/run-1/stage-2/partition-5");
        assertThat(commits.markerPath(2, 5)).isEqualTo("/commits/spark/daily-orders/run-1/stage-2/partition-5");
        assertThat(commits.lockPath(2, 6)).isNotEqualTo(commits.lockPath(2, 5));
        assertThat(commits.lockPath(3, 5)).isNotEqualTo(commits.lockPath(2, 5));
        assertThat(PartitionCommits.forRun(settings, "daily-orders", "run-2").lockPath(2, 5))
                .isNotEqualTo(commits.lockPath(2, 5));

        // Two attempts of one partition meet on one lock; another partition's lock is free meanwhile.
        try (PartitionLock first = commits.lockPartition(attempt(2, 5, 0), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> commits.lockPartition(attempt(2, 5, 1), Duration.ofMillis(300)))
                    .isInstanceOf(PartitionBusyException.class)
                    .hasMessageContaining("Partition 5 of stage 2 of daily-orders run run-1 is locked by")
                    .hasMessageContaining("attempt 0 of partition 5 of stage 2")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            try (PartitionLock other = commits.lockPartition(attempt(2, 6, 0), Duration.ofSeconds(5))) {
                assertThat(other.token()).isGreaterThan(first.token());
            }
        }
        try (PartitionLock second = commits.lockPartition(attempt(2, 5, 1), Duration.ofSeconds(5))) {
            assertThat(second.attempt().attemptNumber()).isEqualTo(1);
        }
    }

    @Test
    void theFirstCommitWinsAndLaterAttemptsAreToldWhoWon() {
        PartitionCommits commits = PartitionCommits.forRun(settings, "daily-orders", "run-1");
        long winnerToken;
        try (PartitionLock lock = commits.lockPartition(attempt(0, 3, 0), Duration.ofSeconds(5))) {
            CommitResult result = lock.commit();
            assertThat(result.committed()).isTrue();
            assertThat(result.winner().attempt()).isEqualTo(attempt(0, 3, 0));
            winnerToken = lock.token();
        }
        try (PartitionLock lock = commits.lockPartition(attempt(0, 3, 1), Duration.ofSeconds(5))) {
            CommitResult result = lock.commit();
            assertThat(result.outcome()).isEqualTo(CommitResult.Outcome.ALREADY_COMMITTED);
            assertThat(result.winner().attempt().attemptNumber()).isZero();
            assertThat(result.winner().token()).isEqualTo(winnerToken).isLessThan(lock.token());
            assertThat(result.toString())
                    .contains("attempt 1 of partition 3 of stage 0")
                    .contains("already committed by attempt 0 (TID 3000")
                    .contains("token " + winnerToken)
                    .contains("discard this attempt's output");
        }
        assertThat(commits.marker(0, 3)).get().extracting(m -> m.attempt().attemptNumber()).isEqualTo(0);
        assertThat(commits.markers()).hasSize(1);
    }

    @Test
    void aHolderWhoseLockNodeIsGoneCannotCommitThoughItHasNotNoticed() throws Exception {
        PartitionCommits commits = PartitionCommits.forRun(settings, "fence", "run-1");
        try (PartitionLock lock = commits.lockPartition(attempt(1, 0, 0), Duration.ofSeconds(5))) {
            // What a session expiry does while the holder is paused: the node goes, the holder still says HELD.
            observer.curator().delete().forPath(lock.lease().nodePath());
            assertThat(lock.lease().state()).isEqualTo(LockLease.State.HELD);

            assertThatThrownBy(lock::commit)
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("attempt 0 of partition 0 of stage 1")
                    .hasMessageContaining("partition lock " + lock.lease().nodePath())
                    .hasMessageContaining("nothing was committed");
        }
        assertThat(commits.marker(1, 0)).isEmpty();
        try (PartitionLock retry = commits.lockPartition(attempt(1, 0, 1), Duration.ofSeconds(5))) {
            assertThat(retry.commit().committed()).isTrue();
        }
    }

    @Test
    void aGuardedRunCannotCommitOnceItsDriverLostTheJob() throws Exception {
        LockLease driver = new FencedMutex(observer.curator(), SparkJobGuard.ROOT + "/guarded")
                .acquire(Duration.ofSeconds(5)).orElseThrow();
        PartitionCommits commits = PartitionCommits.guardedBy(settings, "guarded", "run-" + driver.token(),
                driver.nodePath());
        try (PartitionLock lock = commits.lockPartition(attempt(0, 0, 0), Duration.ofSeconds(5))) {
            assertThat(lock.commit().committed()).isTrue();
        }
        driver.release();

        try (PartitionLock lock = commits.lockPartition(attempt(0, 1, 0), Duration.ofSeconds(5))) {
            assertThatThrownBy(lock::commit)
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("no longer holds its job guard (" + driver.nodePath() + " is gone)")
                    .hasMessageContaining("nothing was committed");
        }
        assertThat(commits.markers()).extracting(m -> m.attempt().partitionId()).containsExactly(0);
    }

    @Test
    void theJobsOwnWritesLandWithTheCommitOrNotAtAll() throws Exception {
        PartitionCommits commits = PartitionCommits.forRun(settings, "offsets", "run-1");
        observer.curator().create().forPath("/offsets", new byte[0]);
        CuratorFramework executor = ExecutorClients.client(settings).curator();
        try (PartitionLock lock = commits.lockPartition(attempt(0, 0, 0), Duration.ofSeconds(5))) {
            CommitResult result = lock.commit(List.of(executor.transactionOp().create()
                    .forPath("/offsets/p0", "42".getBytes(StandardCharsets.UTF_8))));
            assertThat(result.committed()).isTrue();
        }
        assertThat(new String(observer.curator().getData().forPath("/offsets/p0"), StandardCharsets.UTF_8)).isEqualTo("42");

        try (PartitionLock lock = commits.lockPartition(attempt(0, 1, 0), Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> lock.commit(List.of(executor.transactionOp().setData()
                    .forPath("/offsets/missing", new byte[0]))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("rejected at the job's own write #1 (NONODE)");
        }
        assertThat(commits.marker(0, 1)).isEmpty();
    }

    @Test
    void clearDeletesOneRunsMarkersAndLeavesOtherRunsAlone() {
        PartitionCommits first = PartitionCommits.forRun(settings, "daily-orders", "run-1");
        PartitionCommits second = PartitionCommits.forRun(settings, "daily-orders", "run-2");
        for (PartitionCommits run : List.of(first, second)) {
            for (int partition = 0; partition < 3; partition++) {
                try (PartitionLock lock = run.lockPartition(attempt(0, partition, 0), Duration.ofSeconds(5))) {
                    lock.commit();
                }
            }
        }
        assertThat(first.markers()).extracting(m -> m.attempt().partitionId()).containsExactly(0, 1, 2);

        first.clear();
        first.clear();

        assertThat(first.markers()).isEmpty();
        assertThat(second.markers()).hasSize(3);
        // A cleared run starts afresh: markers of one run never decide another's.
        try (PartitionLock lock = first.lockPartition(attempt(0, 0, 5), Duration.ofSeconds(5))) {
            assertThat(lock.commit().committed()).isTrue();
        }
    }

    @Test
    void namesThatWouldNotMakeOneZnodeAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> PartitionCommits.forRun(settings, "", "run-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Job name is empty");
        assertThatThrownBy(() -> PartitionCommits.forRun(settings, "daily/orders", "run-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Job name 'daily/orders' is not a valid name");
        assertThatThrownBy(() -> PartitionCommits.forRun(settings, "daily", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Run id is not set");
        assertThatThrownBy(() -> new TaskAttempt(0, -1, 0, 1, "exec"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition -1");
    }

    @Test
    void anEnsembleGoneAfterTheClientOpenedFailsTheLockWithinTheConnectionTimeoutNamingIt() throws Exception {
        PortableSettings quick = PortableSettings.of(Map.of("zk.connect", quorum.connectString(),
                "zk.connection.timeout", "1s", "zk.retry.max.retries", "1"));
        PartitionCommits commits = PartitionCommits.forRun(quick, "down", "run-1");
        try (PartitionLock lock = commits.lockPartition(attempt(0, 0, 0), Duration.ofSeconds(5))) {
            lock.commit();
        }
        CuratorFramework shared = ExecutorClients.client(quick).curator();
        quorum.close();
        while (shared.getZookeeperClient().isConnected()) {
            Thread.sleep(10);
        }
        long started = System.nanoTime();

        assertThatThrownBy(() -> commits.lockPartition(attempt(0, 1, 0), Duration.ofSeconds(30)))
                .isInstanceOf(io.zktoolkit.config.ZooKeeperUnavailableException.class)
                .hasMessageContaining("attempt 0 of partition 1 of stage 0")
                .hasMessageContaining("cannot reach ZooKeeper at " + quorum.connectString())
                .hasMessageContaining("zk.connection.timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void outsideASparkTaskTheCurrentAttemptIsAClearError() {
        PartitionCommits commits = PartitionCommits.forRun(settings, "daily-orders", "run-1");
        assertThatThrownBy(() -> commits.lockCurrentPartition(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Not inside a Spark task");
    }
}
