package io.zktoolkit.recovery.hive;

import io.zktoolkit.discovery.hive.HiveServerInstance;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link FailoverHiveSession} moved from a lost server to another.
 *
 * @param from the server the session lost
 * @param to the server it now runs on, its session settings restored
 * @param took from noticing the loss to the session being ready on {@code to}
 * @param reason why {@code from} counted as lost, as {@link HiveFailureClassifier} saw it
 */
public record HiveFailover(HiveServerInstance from, HiveServerInstance to, Duration took, String reason) {
    /** Checks every part is present. */
    public HiveFailover {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(took, "took");
        Objects.requireNonNull(reason, "reason");
    }
}
