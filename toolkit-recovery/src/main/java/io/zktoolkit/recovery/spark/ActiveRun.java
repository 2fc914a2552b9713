package io.zktoolkit.recovery.spark;

import io.zktoolkit.recovery.failover.EpochFence;
import io.zktoolkit.recovery.failover.Takeover;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.spark.sql.SparkSession;

/** One term of this driver as the active: its Spark session and takeover, and sinks fenced by its token. */
public final class ActiveRun {
    private final SparkSession spark;
    private final Takeover takeover;
    private final CuratorFramework curator;
    private final EpochFence epoch;
    private final String sinksRoot;

    ActiveRun(SparkSession spark, Takeover takeover, CuratorFramework curator, EpochFence epoch, String sinksRoot) {
        this.spark = spark;
        this.takeover = takeover;
        this.curator = curator;
        this.epoch = epoch;
        this.sinksRoot = sinksRoot;
    }

    /** The driver's Spark session. */
    public SparkSession spark() {
        return spark;
    }

    /** The takeover that started this run. */
    public Takeover takeover() {
        return takeover;
    }

    /** This run's fencing token. */
    public long token() {
        return takeover.token();
    }

    /**
     * A {@code foreachBatch} function writing to {@code output} exactly once per batch id, refusing
     * batches once a newer active took over. Its progress is kept at
     * {@code /failover/<group>/sinks/<name>}: use one name per output, the same in every driver.
     *
     * @throws IllegalArgumentException when {@code name} is empty or contains '/'
     */
    public FencedBatchSink fencedSink(String name, BatchOutput output) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Invalid sink name '" + name + "': expected a non-empty name without '/',"
                    + " for example orders-out (it becomes the znode " + sinksRoot + "/<name>)");
        }
        return new FencedBatchSink(curator, ZKPaths.makePath(sinksRoot, name), takeover, epoch,
                java.util.Objects.requireNonNull(output, "output"));
    }
}
