package io.zktoolkit.it.spark;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.locks.spark.SparkJobGuard;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark driver in its own JVM that runs one guarded job, configured the way a job is
 * submitted: the guard's settings are SparkConf keys. Prints {@value #RAN} when its job ran.
 *
 * <p>Arguments: the ZooKeeper connect string, the job name, the onBusy value.
 */
public final class GuardedDriverMain {
    static final String RAN = "GUARDED JOB RAN";

    private GuardedDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        SparkSession.Builder builder = SparkSession.builder().appName("second-driver").master("local[1]")
                .config(SparkJobGuard.NAME_KEY, args[1])
                .config(SparkJobGuard.ON_BUSY_KEY, args[2]);
        SparkIt.LOCAL_DRIVER.forEach((key, value) -> {
            if (!key.equals("spark.master")) {
                builder.config(key, value);
            }
        });
        SparkSession spark = builder.getOrCreate();
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.CONNECT, args[0]).build())) {
            long rows = SparkJobGuard.fromConf(zk, spark.sparkContext()).run(() -> spark.range(10).count());
            System.out.println(RAN + ": " + rows + " rows");
        } finally {
            spark.stop();
        }
    }
}
