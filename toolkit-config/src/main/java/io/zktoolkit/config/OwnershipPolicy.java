package io.zktoolkit.config;

import org.apache.curator.framework.state.ConnectionStateErrorPolicy;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.framework.state.StandardConnectionStateErrorPolicy;

/**
 * When a lock holder or leader must consider its ownership gone ({@code zk.ownership.lost.on}).
 * A SUSPENDED connection means "unknown": the session may still be alive. Treating it as lost is
 * safe but gives up leadership on every network blip; waiting for LOST keeps ownership through
 * short blips but a partitioned holder acts for up to a session timeout on a session that may
 * already have expired, so side effects must then be fenced.
 */
public enum OwnershipPolicy {
    /** Lose ownership as soon as the connection is suspended (Curator's default). */
    SUSPENDED,
    /** Lose ownership only when the session is lost. */
    LOST;

    /** The matching Curator error policy. */
    public ConnectionStateErrorPolicy curatorPolicy() {
        return this == SUSPENDED ? new StandardConnectionStateErrorPolicy() : new SessionConnectionStateErrorPolicy();
    }
}
