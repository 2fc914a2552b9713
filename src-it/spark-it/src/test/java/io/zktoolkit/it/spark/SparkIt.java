package io.zktoolkit.it.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What the Spark integration tests share: a quorum, a local driver's spark.* keys, waiting with a deadline. */
final class SparkIt {
    /**
     * The spark.* keys of a test driver, kept in the configuration set like any job's. Loopback
     * only and no UI: the build machine has no other interface, and the UI's port is not needed.
     */
    static final Map<String, String> LOCAL_DRIVER = Map.of(
            "spark.master", "local[2]",
            "spark.ui.enabled", "false",
            "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1",
            "spark.sql.shuffle.partitions", "2");

    private SparkIt() {
    }

    /**
     * The Java 17 options this test JVM got from Failsafe's argLine (Spark's module options), for
     * the other Spark JVMs a test starts: its configuration lives in one place, the pom.
     */
    static List<String> javaModuleOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> o.startsWith("--add-") || o.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || o.startsWith("-Djdk.reflect.") || o.startsWith("-Dio.netty."))
                .toList();
    }

    /** Starts a 3-server in-JVM quorum (the harness keeps ZooKeeper from exiting this JVM). */
    static InJvmQuorum startQuorum() {
        return InJvmQuorum.start(3);
    }

    /** A connected client of {@code quorum}. */
    static ToolkitClient connect(InJvmQuorum quorum) {
        return ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, quorum.connectString()).build());
    }

    /** The update with every {@link #LOCAL_DRIVER} key set. */
    static ConfigUpdate withLocalDriver(ConfigUpdate update) {
        LOCAL_DRIVER.forEach(update::set);
        return update;
    }

    /**
     * Polls until {@code done} holds, failing with {@code what} and the current state after the
     * deadline. The deadline only bounds a hang; no assertion depends on how long anything took.
     */
    static void await(Duration deadline, String what, Supplier<String> state, BooleanSupplier done)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("Still waiting after " + deadline + " for " + what + "; now: " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
