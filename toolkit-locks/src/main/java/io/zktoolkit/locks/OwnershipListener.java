package io.zktoolkit.locks;

/** Told when a lock's or leadership's ownership changes: in doubt, lost, or confirmed again after a blip. */
@FunctionalInterface
public interface OwnershipListener {
    /** The ownership moved to {@code state}. Called on Curator's event thread: do not block. */
    void ownershipChanged(FencedOwnership ownership, FencedOwnership.State state);
}
