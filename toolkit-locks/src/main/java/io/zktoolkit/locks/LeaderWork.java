package io.zktoolkit.locks;

/**
 * What a {@link SelectorElection}'s leader does with its turn. Leadership lasts while this runs and
 * ends when it returns or throws.
 */
@FunctionalInterface
public interface LeaderWork {
    /**
     * Runs one turn as leader, on the election's own thread.
     *
     * <p>The thread is interrupted when leadership is lost (per {@code zk.ownership.lost.on}) or
     * the election is closed: return promptly then. Call {@link Leadership#checkHeld()} before each
     * side effect, and write through {@link Leadership#fencedWrite} or pass
     * {@link Leadership#token()} to the resource, since an interrupt can come too late for a
     * process that was paused.
     *
     * @param leadership this turn's leadership: its token, the previous leader's breadcrumb, fenced writes
     * @throws Exception to give up leadership; it is logged, and the participant queues again if requeue is on
     */
    void lead(Leadership leadership) throws Exception;
}
