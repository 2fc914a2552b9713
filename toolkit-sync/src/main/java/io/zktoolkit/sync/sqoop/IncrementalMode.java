package io.zktoolkit.sync.sqoop;

import io.zktoolkit.sync.checkpoint.CheckpointOrder;
import java.sql.Types;
import java.util.Locale;
import java.util.Set;

/**
 * Sqoop's two incremental modes, with the range each run imports and the order its checkpoint
 * moves in. The ranges are Sqoop 1.4.7's own, so a check of the output counts the same rows.
 */
public enum IncrementalMode {
    /**
     * New rows by an increasing numeric column: a run imports {@code last < c <= max(c)} and the
     * new last value is {@code max(c)}, read before the MapReduce job.
     */
    APPEND("append", CheckpointOrder.NUMERIC, Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT,
            Types.NUMERIC, Types.DECIMAL)),
    /**
     * Changed rows by a last-modified timestamp column: a run imports {@code last <= c < now}, with
     * {@code now} the database's {@code CURRENT_TIMESTAMP} read before the job, which becomes the new
     * last value. Each row version lands once; a row changed twice lands twice (as two versions).
     */
    LASTMODIFIED("lastmodified", CheckpointOrder.TIMESTAMP, Set.of(Types.TIMESTAMP, Types.DATE));

    private final String sqoopName;
    private final CheckpointOrder order;
    private final Set<Integer> columnTypes;

    IncrementalMode(String sqoopName, CheckpointOrder order, Set<Integer> columnTypes) {
        this.sqoopName = sqoopName;
        this.order = order;
        this.columnTypes = columnTypes;
    }

    /** The value of Sqoop's {@code --incremental}. */
    public String sqoopName() {
        return sqoopName;
    }

    /** The order the checkpoint may only move forward in. */
    public CheckpointOrder order() {
        return order;
    }

    /** Whether a check column of this JDBC type ({@link Types}) can drive this mode. */
    boolean accepts(int jdbcType) {
        return columnTypes.contains(jdbcType);
    }

    /** A description of the column types this mode accepts, for error messages. */
    String acceptedTypes() {
        return this == APPEND ? "an integer or decimal column" : "a TIMESTAMP or DATE column";
    }

    /**
     * The mode named as in Sqoop's {@code --incremental}.
     *
     * @throws IllegalArgumentException for anything but {@code append} or {@code lastmodified}
     */
    public static IncrementalMode of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (IncrementalMode mode : values()) {
            if (mode.sqoopName.equals(n)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown incremental mode '" + name + "': use append or lastmodified");
    }

    /**
     * Checks that {@code value} is a last value of this mode: a number for append, a local date-time
     * ({@code 2024-05-01 12:00:00.0}) for lastmodified.
     *
     * @param what where the value comes from, for the message
     */
    String checkLastValue(String value, String what) {
        try {
            order.compare(value, value);
            if (this == LASTMODIFIED && (value.trim().endsWith("Z") || value.contains("+"))) {
                throw new IllegalArgumentException("a zoned instant; Sqoop compares local date-times");
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a last value of incremental mode "
                    + sqoopName + " (" + e.getMessage() + "): expected "
                    + (this == APPEND ? "a number such as 1200" : "a local date-time such as 2024-05-01 12:00:00.0"), e);
        }
    }
}
