package io.zktoolkit.config.settings;

import java.util.Objects;

/**
 * A password or credential read from settings. It prints as {@code ******} everywhere (logs,
 * exceptions, {@code toString()} of the objects that hold it); only {@link #reveal()} gives the
 * value, and only code that hands it to ZooKeeper or a keystore should call that.
 */
public final class Secret {
    private static final String MASK = "******";
    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** Wraps a plain value. */
    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The plain value. Never log it. */
    public String reveal() {
        return value;
    }

    /** The mask every secret prints as. */
    public static String mask() {
        return MASK;
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
