package io.zktoolkit.config.live;

import java.util.List;
import java.util.SortedSet;

/**
 * One step from a set's previous version to its next, as delivered to listeners.
 *
 * @param previous the version the listener saw before (version 0 when the set did not exist)
 * @param current the new version
 * @param changedKeys keys added, removed or changed
 * @param missedVersions versions between the two that could not be delivered one by one (the
 *        watcher's session expired, or they were older than the history keeps); empty normally
 */
public record ConfigChange(ConfigSnapshot previous, ConfigSnapshot current, SortedSet<String> changedKeys,
        List<Long> missedVersions) {

    /** Whether this change stands for several versions at once. */
    public boolean coalesced() {
        return !missedVersions.isEmpty();
    }
}
