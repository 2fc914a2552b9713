package io.zktoolkit.recovery.spark;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One takeover of a streaming query by a driver, with its timing measured from the moment the
 * driver learned it was elected.
 *
 * @param participantId the driver that took over
 * @param token its fencing token
 * @param previous the active before it and its token, if there was one
 * @param electedAt when the driver learned it was elected
 * @param fencing how long fencing the previous active took
 * @param toQueryStarted from election to the query started (fencing included)
 * @param toFirstBatch from election to the first micro-batch with input reported by Spark, once there was one
 * @param firstBatchId that batch's id
 */
public record QueryTakeover(String participantId, long token, Optional<String> previous, Instant electedAt,
        Duration fencing, Duration toQueryStarted, Optional<Duration> toFirstBatch, OptionalLong firstBatchId) {

    QueryTakeover withFirstBatch(Instant at, long batchId) {
        return new QueryTakeover(participantId, token, previous, electedAt, fencing, toQueryStarted,
                Optional.of(Duration.between(electedAt, at)), OptionalLong.of(batchId));
    }
}
