package io.zktoolkit.config.live;

/** A ZooKeeper operation of the configuration store failed; the message names the set and ensemble. */
public class ConfigStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With ZooKeeper's cause. */
    public ConfigStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
