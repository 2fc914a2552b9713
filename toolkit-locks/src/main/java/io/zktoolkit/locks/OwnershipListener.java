package io.zktoolkit.locks;

/** Told when a lease's ownership changes: in doubt, lost, or confirmed again after a blip. */
@FunctionalInterface
public interface OwnershipListener {
    /** The lease moved to {@code state}. Called on Curator's event thread: do not block. */
    void ownershipChanged(LockLease lease, LockLease.State state);
}
