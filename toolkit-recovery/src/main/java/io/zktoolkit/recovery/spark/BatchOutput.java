package io.zktoolkit.recovery.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where a {@link FencedBatchSink} puts a micro-batch, in two steps so that only the batch
 * committed under the current active's token becomes visible: {@link #stage} writes an attempt
 * that readers do not see, the sink commits it in ZooKeeper, then {@link #publish} makes it
 * visible. A crash between commit and publish is finished by whichever driver runs the batch
 * next, so {@code publish} must be idempotent and work from any driver (shared storage).
 */
public interface BatchOutput {
    /**
     * Writes {@code batch} as attempt {@code token} of batch {@code batchId}, invisible to readers
     * (for example a staging file named by both). Called again for the same batch id with another
     * token after a takeover.
     */
    void stage(Dataset<Row> batch, long batchId, long token) throws Exception;

    /**
     * Makes attempt {@code token} of {@code batchId} visible. Idempotent: it may be called again
     * for an attempt already published.
     */
    void publish(long batchId, long token) throws Exception;

    /** Drops attempt {@code token} of {@code batchId}: it was refused or another attempt was committed. */
    void discard(long batchId, long token) throws Exception;
}
