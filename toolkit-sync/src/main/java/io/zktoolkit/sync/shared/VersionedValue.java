package io.zktoolkit.sync.shared;

import java.util.List;

/**
 * A {@link SharedValue} as read: the value, and the znode version that a
 * {@link SharedValue#compareAndSet compare-and-set} based on this read checks.
 */
public final class VersionedValue {
    /** The version of a value that was never written: it reads as the initial value. */
    public static final int NEVER_WRITTEN = -1;

    private final String value;
    private final int version;
    private final List<String> recentOperations;

    VersionedValue(String value, int version, List<String> recentOperations) {
        this.value = value;
        this.version = version;
        this.recentOperations = List.copyOf(recentOperations);
    }

    /** The value. */
    public String value() {
        return value;
    }

    /** The znode version, or {@link #NEVER_WRITTEN}. */
    public int version() {
        return version;
    }

    /** Ids of the latest writes, newest first: how a writer finds out whether its write landed. */
    List<String> recentOperations() {
        return recentOperations;
    }

    @Override
    public String toString() {
        return value + " (version " + version + ")";
    }
}
