package io.zktoolkit.recovery.failover;

/**
 * What an {@link ActiveStandby} participant does when it becomes active and when it stops being
 * active. Both run on the failover's own thread, one at a time, in order.
 */
public interface ActiveService {
    /**
     * Start acting: the previous active is fenced. Return once the work is started (run long work
     * on a thread of your own); throwing gives leadership up.
     */
    void becomeActive(Takeover takeover) throws Exception;

    /**
     * Stop every side effect now: leadership is lost, in doubt, or given up. The token of the
     * takeover is no longer valid; writes fenced by it will be refused.
     *
     * @param why for logs
     */
    void becomeStandby(String why);
}
