package io.zktoolkit.config.embedded;

/** An embedded ZooKeeper server failed to start; the message names the server, port and data folder. */
public class EmbeddedStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the cause from ZooKeeper. */
    public EmbeddedStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
