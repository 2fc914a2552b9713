package io.zktoolkit.it.sparkcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.SparkStandaloneCluster;
import io.zktoolkit.locks.spark.SparkJobGuard;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job guard on a real cluster: two drivers of one named job submitted at once through
 * {@code SparkSubmit} with the bundle in {@code --jars}, each its own JVM and application on the
 * standalone cluster. Exactly one runs the job; the other, configured
 * {@code spark.zktoolkit.job.guard.onBusy=exit}, exits with {@value SparkJobGuard#EXIT_BUSY}
 * naming the holder.
 */
@ExtendWith(SharedCluster.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoDriversOneJobGuardIT {
    private static final Path SCRATCH = SharedCluster.scratch("guard");
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private static SharedCluster.Fixture shared;

    @BeforeAll
    static void takeTheCluster(SharedCluster.Fixture fixture) {
        shared = fixture;
    }

    /** The drivers are gone (the test closes them); their applications' executors go too. */
    @AfterAll
    static void awaitTheApplicationsGone() throws Exception {
        if (shared != null) {
            shared.stop(null, SCRATCH);
        }
    }

    @Test
    void ofTwoDriversSubmittedAtOnceExactlyOneRunsTheJobAndTheOtherExitsBusy() throws Exception {
        Path release = Files.createDirectories(SCRATCH).resolve("release");
        Map<String, String> conf = Map.of(
                "spark.zktoolkit.zk.connect", shared.ensemble().connectString(),
                "spark.zktoolkit.zk.namespace", "job-guard-it",
                SparkJobGuard.NAME_KEY, "nightly-orders",
                SparkJobGuard.ON_BUSY_KEY, "exit",
                // One core each, so that both applications get an executor.
                "spark.cores.max", "1");
        SparkStandaloneCluster cluster = shared.cluster();
        ClusterJars jars = shared.jars();
        try (ChildJvm first = cluster.submit("driver-a", conf, List.of(jars.bundle()), jars.app(), GuardedJobMain.class.getName(), release.toString());
             ChildJvm second = cluster.submit("driver-b", conf, List.of(jars.bundle()), jars.app(), GuardedJobMain.class.getName(), release.toString())) {
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
