package io.zktoolkit.recovery.failover;

import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.Leadership;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One takeover by this participant: its leadership (token, fenced writes), whom it fenced, and
 * when.
 *
 * @param leadership the leadership: pass {@link Leadership#token()} to resources, check
 *        {@link Leadership#checkHeld()} before side effects
 * @param previous the active before, fenced before this one was activated
 * @param electedAt when this participant learned it leads
 * @param fencing how long fencing the previous active took
 */
public record Takeover(Leadership leadership, Optional<Breadcrumb> previous, Instant electedAt, Duration fencing) {
    /** This active's fencing token. */
    public long token() {
        return leadership.token();
    }
}
