package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.examples.pipeline.HiveQuery;
import io.zktoolkit.examples.pipeline.ThriftServerProcess;
import io.zktoolkit.examples.pipeline.TransformJobProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's last step: the stock hive-jdbc driver, in its own JVM with nothing but the
 * driver, finds the Spark Thrift Server through its own ZooKeeper URL because the toolkit
 * registered the server in Hive's format, and reads the Parquet the transform job wrote. The
 * Thrift Server starts while the transform job runs, as in the demo.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HiveThroughZooKeeperTest {
    @TempDir
    Path dir;
    private QuorumClients zk;

    @BeforeEach
    void start() {
        zk = new QuorumClients();
    }

    @AfterEach
    void stop() {
        zk.close();
    }

    @Test
    void theStockDriverFindsTheRegisteredServerAndReadsTheJobsParquetThenFailsClearlyOnceDeregistered() throws Exception {
        ToolkitClient client = zk.open();
        Path input = SqoopTextFiles.write(dir);
        Path job = dir.resolve("job.properties");
        Files.writeString(job, "zk.connect=" + zk.connectString() + "\njob.name=totals\njob.input=" + input
                + "\njob.output=out\n");

        try (ThriftServerProcess.Starting starting = ThriftServerProcess.startAsync(dir.resolve("thriftserver"));
                TransformJobProcess transform = TransformJobProcess.start(job, dir.resolve("transform.log"))) {
            long t0 = System.nanoTime();
            TransformJobProcess.Result totals = transform.awaitResult(Duration.ofSeconds(180));
            phase("transform job", t0);
            assertThat(totals.succeeded()).as(totals.failure().orElse("")).isTrue();
            ThriftServerProcess server = starting.awaitReady(ThriftServerProcess.READY_TIMEOUT);
            phase("thrift server ready", t0);

            HiveServerRegistrar registrar = server.register(client, "hiveserver2");
            String url = registrar.stockJdbcUrl("default");
            assertThat(url).contains("serviceDiscoveryMode=zooKeeper", "zooKeeperNamespace=zktoolkit/hiveserver2",
                    zk.connectString());

            HiveQuery.Result rows = HiveQuery.run(url, List.of(
                    "CREATE TABLE table_totals USING parquet LOCATION '" + dir.resolve("out/table_totals").toUri() + "'",
                    "SELECT table_name, `rows`, distinct_ids, duplicate_ids, total_amount FROM table_totals ORDER BY table_name"),
                    Duration.ofSeconds(90));
            assertThat(rows.rows()).containsExactly(
                    List.of("customers", "2", "2", "0", "3.50"),
                    List.of("orders", "5", "4", "1", "41.75"));
            assertThat(rows.connectMillis()).isPositive();
            phase("create table + select through ZooKeeper (connect " + rows.connectMillis() + " ms)", t0);

            registrar.close();
            HiveQuery.QueryFailedException failure = catchThrowableOfType(HiveQuery.QueryFailedException.class,
                    () -> HiveQuery.run(url, List.of("SELECT 1"), Duration.ofSeconds(60)));
            assertThat(failure).as("the stock driver finds no server once deregistered").isNotNull();
            System.out.println("after deregistering: " + failure.getMessage());
            // hive-jdbc 4.0.1 reports an empty namespace with no SQLState (08S01 is for servers that refuse).
            assertThat(failure).hasMessageContaining("No more HiveServer2 URIs from ZooKeeper to attempt")
                    .hasMessageContaining("zooKeeperNamespace=zktoolkit/hiveserver2");
            phase("failed query after deregistering", t0);
            // Only the discovery entry is gone: the server still runs (the ZooKeeper query above proved it answers).
            assertThat(server.isAlive()).isTrue();
        }
    }

    /** Where the time goes, in the test report (the test is long: two Spark JVMs on a shared machine). */
    private static void phase(String what, long since) {
        System.out.printf("%s: %.1f s since start%n", what, (System.nanoTime() - since) / 1e9);
    }
}
