package io.zktoolkit.discovery;

/** ZooKeeper refused or failed a registry operation; the message names the service and instance. */
public class DiscoveryException extends RuntimeException {
    /** With the cause kept. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
