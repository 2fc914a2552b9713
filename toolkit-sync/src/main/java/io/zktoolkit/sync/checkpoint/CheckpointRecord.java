package io.zktoolkit.sync.checkpoint;

import io.zktoolkit.locks.Holder;
import java.time.Instant;

/**
 * One value a checkpoint held, with who wrote it, so that an operator looking at a stuck import
 * sees which job and run moved it last.
 *
 * @param value the checkpoint's value, for example a Sqoop last value
 * @param token the fencing token of the lease the writer held
 * @param runId the writer's run, as the caller names it
 * @param writer the writing host, process and job
 * @param writtenAt when the writer's clock says it wrote
 * @param writeId unique per write: how a writer recognises its own write after a lost reply
 */
public record CheckpointRecord(String value, long token, String runId, Holder writer, Instant writtenAt, String writeId) {
}
