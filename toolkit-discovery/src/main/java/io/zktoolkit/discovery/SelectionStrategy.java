package io.zktoolkit.discovery;

/** How {@link InstanceSelector#select()} picks among the live instances. */
public enum SelectionStrategy {
    /** Uniformly at random: spreads load with no shared state between callers. */
    RANDOM,
    /** Each instance in turn. */
    ROUND_ROBIN,
    /**
     * Round robin over instances that have not failed within the quarantine; when every instance
     * failed recently, the one whose last failure is oldest.
     */
    LEAST_RECENTLY_FAILED
}
