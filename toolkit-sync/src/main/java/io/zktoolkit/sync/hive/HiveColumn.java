package io.zktoolkit.sync.hive;

import java.util.Locale;
import java.util.Objects;

/**
 * One column of a Hive table as JDBC reports it.
 *
 * @param name the column name, in lower case (Hive's names are case-insensitive)
 * @param type the type as the server names it ({@code int}, {@code decimal(10,2)}, {@code array<string>})
 */
public record HiveColumn(String name, String type) {

    /** Lower-cases the name, so two reads of one table compare equal. */
    public HiveColumn {
        name = Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
        type = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
