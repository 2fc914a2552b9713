package io.zktoolkit.recovery.membership;

import java.time.Duration;

/**
 * Told of members' health by a {@link FailureDetector}, in order, on the detector's own thread.
 * Every method has an empty default.
 */
public interface MemberHealthListener {
    /** A member joined (or rejoined under a new node). */
    default void joined(MemberRecord member) {
    }

    /** A member's heartbeat stalled for {@code silentFor}. */
    default void suspect(MemberRecord member, Duration silentFor) {
    }

    /** A suspect member's heartbeat moved again. */
    default void recovered(MemberRecord member) {
    }

    /** A member's session ended; {@code member} is the last record seen. */
    default void dead(MemberRecord member) {
    }
}
