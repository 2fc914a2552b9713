package io.zktoolkit.sync.hive;

import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.hive.HiveObject;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A published change of a table's metadata: the table's schema version (1 for the first notice,
 * one more for each later one) and the digest of its columns right after the change.
 *
 * @param table       the table
 * @param version     the schema version; only ever goes up
 * @param digest      {@link TableSchema#digest()} of the columns the publisher read, or {@code dropped}
 * @param columns     how many columns the publisher read (0 when dropped)
 * @param publishedBy the publishing process
 * @param publishedAt when it published
 */
public record SchemaNotice(HiveObject table, long version, String digest, int columns, Holder publishedBy, Instant publishedAt) {
    private static final String HEADER = "zktoolkit-hive-schema\t1";
    private static final int FIELDS = 7;

    /** Whether the table was gone after the change. */
    public boolean dropped() {
        return "dropped".equals(digest);
    }

    byte[] encode() {
        return (HEADER + "\n" + EscapedFields.join(List.of(Long.toString(version), digest, Integer.toString(columns),
                publishedBy.host(), Long.toString(publishedBy.pid()), publishedBy.job(), publishedAt.toString())))
                .getBytes(StandardCharsets.UTF_8);
    }

    static SchemaNotice decode(String path, HiveObject table, byte[] data) {
        String[] lines = StoredText.decode(path, data).split("\n", -1);
        if (lines.length != 2 || !lines[0].equals(HEADER)) {
            throw new CorruptSyncDataException(path, "expected the header '" + HEADER.replace('\t', ' ')
                    + "' and one notice line, found '" + StoredText.abbreviate(lines[0]) + "'");
        }
        try {
            List<String> f = EscapedFields.split(lines[1]);
            if (f.size() != FIELDS) {
                throw new IllegalArgumentException(f.size() + " fields instead of " + FIELDS);
            }
            long version = Long.parseLong(f.get(0));
            if (version < 1) {
                throw new IllegalArgumentException("version " + version + " is below 1");
            }
            return new SchemaNotice(table, version, f.get(1), Integer.parseInt(f.get(2)),
                    new Holder(f.get(3), Long.parseLong(f.get(4)), f.get(5)), Instant.parse(f.get(6)));
        } catch (RuntimeException e) {
            throw new CorruptSyncDataException(path, "a damaged notice line (" + e.getMessage() + ")");
        }
    }
}
