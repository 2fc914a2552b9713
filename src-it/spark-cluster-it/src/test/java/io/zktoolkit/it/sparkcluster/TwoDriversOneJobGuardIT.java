package io.zktoolkit.it.sparkcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.spark.SparkJobGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The job guard on a real cluster: two drivers of one named job submitted at once through
 * {@code SparkSubmit} with the bundle in {@code --jars}, each its own JVM and application on the
 * standalone cluster. Exactly one runs the job; the other, configured
 * {@code spark.zktoolkit.job.guard.onBusy=exit}, exits with {@value SparkJobGuard#EXIT_BUSY}
 * naming the holder.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoDriversOneJobGuardIT {
    private static final Path SCRATCH = Path.of(System.getProperty("sparkcluster.scratch", "target/cluster-scratch"))
            .resolveSibling("cluster-scratch-guard").toAbsolutePath();
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static ProcessEnsemble ensemble;
    private static final ClusterJars JARS = ClusterJars.fromBuild();
    private static SparkStandaloneCluster cluster;

    @BeforeAll
    static void startEnsembleAndCluster() {
        ensemble = ProcessEnsemble.start(3);
        cluster = JARS.startCluster(SCRATCH.resolve("cluster"), 2);
    }

    @AfterAll
    static void stopAll() throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (ensemble != null) {
                ensemble.close();
            }
            SparkStandaloneCluster.deleteRecursively(SCRATCH);
        }
    }

    @Test
    void ofTwoDriversSubmittedAtOnceExactlyOneRunsTheJobAndTheOtherExitsBusy() throws Exception {
        Path release = SCRATCH.resolve("release");
        Map<String, String> conf = Map.of(
                "spark.zktoolkit.zk.connect", ensemble.connectString(),
                "spark.zktoolkit.zk.namespace", "cluster-it",
                SparkJobGuard.NAME_KEY, "nightly-orders",
                SparkJobGuard.ON_BUSY_KEY, "exit",
                // One core each, so that both applications get an executor.
                "spark.cores.max", "1");
        try (ChildJvm first = cluster.submit("driver-a", conf, List.of(JARS.bundle()), JARS.app(), GuardedJobMain.class.getName(), release.toString());
             ChildJvm second = cluster.submit("driver-b", conf, List.of(JARS.bundle()), JARS.app(), GuardedJobMain.class.getName(), release.toString())) {
            List<ChildJvm> drivers = List.of(first, second);
            ExecutorKilledHoldingPartitionLockIT.await(STARTUP, "one driver running the job and the other gone",
                    () -> first.recentOutput() + "\n" + second.recentOutput(),
                    () -> drivers.stream().anyMatch(d -> d.lines().stream().anyMatch(l -> l.contains(GuardedJobMain.RUNNING)))
                            && drivers.stream().anyMatch(d -> !d.isAlive()));
            ChildJvm winner = drivers.stream().filter(ChildJvm::isAlive).findFirst().orElseThrow();
            ChildJvm loser = winner == first ? second : first;

            assertThat(loser.waitForExit(Duration.ofSeconds(10))).as("the busy driver's exit code").isEqualTo(SparkJobGuard.EXIT_BUSY);
            assertThat(loser.lines()).noneMatch(l -> l.contains(GuardedJobMain.RUNNING));
            assertThat(String.join("\n", loser.lines())).contains("nightly-orders").contains(Long.toString(winner.pid()));

            Files.writeString(release, "go");
            assertThat(winner.waitForExit(STARTUP)).as("the running driver's exit code\n%s", winner.recentOutput()).isZero();
            assertThat(winner.lines()).anyMatch(l -> l.contains(GuardedJobMain.RAN) && l.endsWith(": 1000 rows"));
        }
    }
}
