package io.zktoolkit.config.live;

/** A version would not fit in one ZooKeeper request; nothing was written. */
public class ConfigTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** For a set whose encoded version has {@code bytes} bytes, over {@code limit}. */
    public ConfigTooLargeException(ConfigSetName set, int bytes, int limit) {
        super("Configuration set " + set + " would be " + bytes + " bytes, over the limit of " + limit
                + " bytes: each version is written twice in one transaction (current and history), and ZooKeeper caps"
                + " a request at jute.maxbuffer (" + ConfigStore.juteMaxBuffer() + " bytes). Nothing was written;"
                + " split the set or move large values out of ZooKeeper");
    }
}
