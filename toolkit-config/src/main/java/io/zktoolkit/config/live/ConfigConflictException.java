package io.zktoolkit.config.live;

/**
 * Another writer published the set after this writer read it. Nothing was written; read the
 * current version, reapply the change and publish again.
 */
public class ConfigConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long expectedVersion;
    private final long actualVersion;

    /** For a set expected at one version and found at another. */
    public ConfigConflictException(ConfigSetName set, long expectedVersion, ConfigSnapshot actual) {
        super("Configuration set " + set + " is at version " + actual.version()
                + (actual.exists() ? " (published by " + actual.author() + " at " + actual.time() + ")" : "")
                + ", not the expected version " + expectedVersion + "; nothing was written. Read it again and reapply the change");
        this.expectedVersion = expectedVersion;
        this.actualVersion = actual.version();
    }

    /** The version the writer based its change on. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version found in ZooKeeper. */
    public long actualVersion() {
        return actualVersion;
    }
}
