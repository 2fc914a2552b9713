package io.zktoolkit.recovery.failover;

import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.Leadership;

/**
 * Fences the previous active before a new one acts, as Hadoop's failover controller does: the
 * old active may be paused rather than dead and wake up believing it still leads.
 */
@FunctionalInterface
public interface Fencer {
    /**
     * Makes sure {@code previous} can do no more harm: for example raise the resource's epoch to
     * {@code next}'s token so it refuses the old one's writes. Throwing aborts the takeover: the
     * new leader steps down and the group elects again.
     */
    void fence(Breadcrumb previous, Leadership next) throws Exception;
}
