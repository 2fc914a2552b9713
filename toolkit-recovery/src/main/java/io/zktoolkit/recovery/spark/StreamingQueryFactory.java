package io.zktoolkit.recovery.spark;

import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Starts the streaming query when its driver becomes active. Give every start the same
 * {@code checkpointLocation} (on storage every driver reaches), so the query resumes from the
 * last committed batch; write through {@link ActiveRun#fencedSink} so a replaced active's batches
 * are refused.
 */
@FunctionalInterface
public interface StreamingQueryFactory {
    /** Starts the query of this active run; return once it is started. */
    StreamingQuery start(ActiveRun run) throws Exception;
}
