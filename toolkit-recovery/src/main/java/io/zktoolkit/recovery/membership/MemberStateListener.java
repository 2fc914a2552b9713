package io.zktoolkit.recovery.membership;

/**
 * Told when this process's own membership changes state, on the membership's thread: pause side
 * effects on {@link FleetMembership.State#PAUSED}, stop them on
 * {@link FleetMembership.State#REJOINING}, resume on {@link FleetMembership.State#JOINED}.
 */
public interface MemberStateListener {
    /**
     * @param state the new state
     * @param node this member's node (its identity) in that state, or null while it has none
     */
    void stateChanged(FleetMembership.State state, String node);
}
