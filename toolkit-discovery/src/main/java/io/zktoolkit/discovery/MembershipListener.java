package io.zktoolkit.discovery;

import java.util.List;

/** Told when instances of a watched service come or go, on the view's event thread. */
@FunctionalInterface
public interface MembershipListener {
    /**
     * @param added instances that appeared
     * @param removed instances that went away (deregistered, or their session ended)
     * @param current every instance now
     */
    void membershipChanged(List<ServiceEndpoint> added, List<ServiceEndpoint> removed, List<ServiceEndpoint> current);
}
