package io.zktoolkit.config.live;

/** A version would not fit in one ZooKeeper request; nothing was written. */
public class ConfigTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** For a set whose encoded version has {@code bytes} bytes, over {@code limit}. */
    public ConfigTooLargeException(ConfigSetName set, int bytes, int limit) {
        this(set, bytes, limit, null, 0);
    }

    /**
     * As above, naming the largest entry, which is usually the one to move out: a set rarely
     * grows past the limit by many small keys.
     *
     * @param largestKey the key whose entry is largest, or {@code null}
     * @param largestBytes that entry's size in UTF-8 bytes (key and value)
     */
    public ConfigTooLargeException(ConfigSetName set, int bytes, int limit, String largestKey, int largestBytes) {
        super("Configuration set " + set + " would be " + bytes + " bytes, over the limit of " + limit
                + " bytes: each version is written twice in one transaction (current and history), and ZooKeeper caps"
                + " a request at jute.maxbuffer (" + ConfigStore.juteMaxBuffer() + " bytes). Nothing was written;"
                + " split the set or move large values out of ZooKeeper"
                + (largestKey == null ? "" : "; the largest entry is key '" + largestKey + "' (" + largestBytes + " bytes)"));
    }
}
