package io.zktoolkit.it.sparkcluster;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.locks.spark.SparkJobGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A driver submitted with {@code spark-submit --jars zktoolkit-bundle.jar}, configured only by
 * SparkConf keys: {@code spark.zktoolkit.zk.*} for ZooKeeper, {@code spark.zktoolkit.job.guard.*}
 * for its {@link SparkJobGuard}. Inside the guard it prints {@value #RUNNING}, holds the job until
 * the file named by its argument exists (so that a second driver meets a held job), runs a job on
 * the cluster and prints {@value #RAN}.
 */
public final class GuardedJobMain {
    public static final String RUNNING = "GUARDED JOB RUNNING";
    public static final String RAN = "GUARDED JOB RAN";

    private GuardedJobMain() {
    }

    public static void main(String[] args) throws Exception {
        Path release = Path.of(args[0]);
        SparkSession spark = SparkSession.builder().getOrCreate();
        SparkContext sc = spark.sparkContext();
        try (ToolkitClient zk = ToolkitClient.open(PortableSettings.fromSparkConf(sc.getConf()).toSettings())) {
            SparkJobGuard guard = SparkJobGuard.fromConf(zk, sc);
            long rows = guard.run(() -> {
                System.out.println(RUNNING + " in " + sc.applicationId() + " with token " + guard.token());
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!Files.exists(release) && System.nanoTime() - end < 0) {
                    Thread.sleep(50);
                }
                return spark.range(1000).count();
            });
            System.out.println(RAN + " in " + sc.applicationId() + ": " + rows + " rows");
        } finally {
            spark.stop();
        }
    }
}
