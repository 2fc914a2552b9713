package io.zktoolkit.config.live;

/**
 * A znode that should hold a configuration snapshot holds something else: bytes that are not
 * UTF-8, a foreign format, or a damaged line. The message names the znode path and the problem.
 */
public class CorruptConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the path and what is wrong there. */
    public CorruptConfigException(String message) {
        super(message);
    }
}
