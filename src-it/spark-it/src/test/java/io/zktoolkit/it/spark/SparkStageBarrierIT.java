package io.zktoolkit.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.InJvmQuorum;
import io.zktoolkit.sync.spark.SparkStageBarrier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SparkStageBarrier} between real Spark applications, each in its own JVM with its own
 * local[1] SparkContext ({@link StageBarrierDriverMain}). The order of arrivals and stage starts
 * comes from ZooKeeper's sequence numbers, never from clocks.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparkStageBarrierIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static InJvmQuorum quorum;
    private static ToolkitClient zk;
    private final List<ChildJvm> drivers = new ArrayList<>();

    @BeforeAll
    static void startQuorum() {
        quorum = SparkIt.startQuorum();
        zk = SparkIt.connect(quorum);
    }

    @AfterAll
    static void stopQuorum() throws Exception {
        if (zk != null) {
            zk.close();
        }
        if (quorum != null) {
            quorum.close();
        }
    }

    @AfterEach
    void stopDrivers() {
        drivers.forEach(ChildJvm::close);
    }

    private ChildJvm driver(String barrier, int parties, int timeoutSeconds, String records, String label) {
        ChildJvm.Builder jvm = ChildJvm.builder(StageBarrierDriverMain.class.getName()).name("driver-" + label)
                .jvmOption("-Xmx512m").env("SPARK_LOCAL_IP", "127.0.0.1")
                .args(quorum.connectString(), barrier, Integer.toString(parties), Integer.toString(timeoutSeconds), records, label);
        SparkIt.javaModuleOptions().forEach(jvm::jvmOption);
        ChildJvm started = jvm.start();
        drivers.add(started);
        return started;
    }

    private static boolean bothAlive(ChildJvm a, ChildJvm b) {
        for (ChildJvm driver : List.of(a, b)) {
            if (!driver.isAlive()) {
                throw new AssertionError(driver.name() + " ended before the barrier\n" + driver.recentOutput());
            }
        }
        return true;
    }

    /** What the drivers recorded, in ZooKeeper's order. */
    private static List<String> records(String path) {
        try {
            List<String> names = new ArrayList<>(zk.curator().getChildren().forPath(path));
            names.sort(null);
            List<String> events = new ArrayList<>();
            for (String name : names) {
                events.add(new String(zk.curator().getData().forPath(path + "/" + name), StandardCharsets.UTF_8));
            }
            return events;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the records under " + path, e);
        }
    }

    @Test
    void threeApplicationsStartTheirStageOnlyOnceAllHaveArrived() throws Exception {
        String records = "/it/stage-barrier/three";
        ChildJvm a = driver("load-three", 3, 120, records, "a");
        ChildJvm b = driver("load-three", 3, 120, records, "b");
        // The third application starts only after the first two wait at the barrier: without it they would run now.
        SparkIt.await(WAIT, "a and b at the barrier", () -> records(records).toString(),
                () -> bothAlive(a, b) && records(records).size() == 2);
        ChildJvm c = driver("load-three", 3, 120, records, "c");
        for (ChildJvm driver : List.of(a, b, c)) {
            assertThat(driver.waitForExit(WAIT)).as(driver.recentOutput()).isZero();
            assertThat(String.join("\n", driver.lines())).contains(StageBarrierDriverMain.DONE);
        }

        List<String> order = records(records);
        assertThat(order).hasSize(9);
        assertThat(order.subList(0, 3)).as("every arrival before any stage start: " + order)
                .containsExactlyInAnyOrder("arrived-a", "arrived-b", "arrived-c");
        assertThat(order.get(2)).isEqualTo("arrived-c");
        assertThat(order.subList(3, 9)).allMatch(e -> e.startsWith("started-") || e.startsWith("finished-"));
        assertThat(zk.curator().checkExists().forPath("/barriers/load-three")).as("the last one out removes it").isNull();
    }

    @Test
    void anApplicationThatNeverComesFailsTheOthersAtTheDeadlineWithTheBarriersError() throws Exception {
        String records = "/it/stage-barrier/missing";
        ChildJvm a = driver("load-missing", 3, 15, records, "a");
        ChildJvm b = driver("load-missing", 3, 15, records, "b");
        for (ChildJvm driver : List.of(a, b)) {
            assertThat(driver.waitForExit(WAIT)).as(driver.recentOutput()).isEqualTo(StageBarrierDriverMain.EXIT_TIMEOUT);
            String said = String.join("\n", driver.lines());
            assertThat(said).contains(StageBarrierDriverMain.TIMEOUT + "Barrier /barriers/load-missing:", "of 3 parties arrived",
                    "Never arrived: 1").doesNotContain(StageBarrierDriverMain.DONE);
        }
        assertThat(records(records)).as("nobody started the stage").containsExactlyInAnyOrder("arrived-a", "arrived-b");
    }
}
