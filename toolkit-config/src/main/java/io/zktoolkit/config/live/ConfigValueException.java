package io.zktoolkit.config.live;

/**
 * A configuration value cannot be used as asked: missing, of the wrong type, or a secret that
 * cannot be decrypted. The message names the set, version and key, and never a secret's value.
 */
public class ConfigValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the set, key and what was expected. */
    public ConfigValueException(String message) {
        super(message);
    }
}
