package io.zktoolkit.locks;

/**
 * How a lock on a shared-exclusive queue is held, with Hive's compatibility rules: readers share,
 * writers exclude everyone, and semi-shared holders (Hive's ACID inserts) exclude each other and
 * writers but let readers in.
 */
public enum LockMode {
    /** Readers: many at once. */
    SHARED('S'),
    /** One at a time among semi-shared and exclusive holders, alongside any number of shared ones. */
    SEMI_SHARED('M'),
    /** Writers: nobody else at all. */
    EXCLUSIVE('X');

    private final char code;

    LockMode(char code) {
        this.code = code;
    }

    /** Whether a holder in this mode and one in {@code other} may not hold the same object at once. */
    public boolean conflictsWith(LockMode other) {
        return this == EXCLUSIVE || other == EXCLUSIVE || (this == SEMI_SHARED && other == SEMI_SHARED);
    }

    /** The mode in messages: {@code shared}, {@code semi-shared}, {@code exclusive}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    char code() {
        return code;
    }

    static LockMode ofCode(char code) {
        for (LockMode mode : values()) {
            if (mode.code == code) {
                return mode;
            }
        }
        return null;
    }
}
