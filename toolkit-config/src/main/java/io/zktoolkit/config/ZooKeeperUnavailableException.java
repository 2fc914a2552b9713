package io.zktoolkit.config;

/**
 * The ensemble could not be reached within the connection timeout. The message names the connect
 * string, the timeout and the key that sets it.
 */
public class ZooKeeperUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String connectString;

    /** For an ensemble at {@code connectString}. */
    public ZooKeeperUnavailableException(String connectString, String message, Throwable cause) {
        super(message, cause);
        this.connectString = connectString;
    }

    /** The connect string that could not be reached. */
    public String connectString() {
        return connectString;
    }
}
