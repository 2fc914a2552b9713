package io.zktoolkit.recovery.membership;

/** How a {@link FailureDetector} sees a member. */
public enum MemberHealth {
    /** Its heartbeat moves. */
    ALIVE,
    /** Its heartbeat stalled longer than the detector's limit, but its session lives: paused, overloaded or cut off. */
    SUSPECT,
    /** Its session ended: its node is gone, and with it every lock it held. */
    DEAD
}
