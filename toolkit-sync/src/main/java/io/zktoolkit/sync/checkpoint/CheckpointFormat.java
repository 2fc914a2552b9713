package io.zktoolkit.sync.checkpoint;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;

import io.zktoolkit.locks.Holder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint znode's bytes: a header line, then one line per record, current first and earlier
 * values after it. Text, so {@code zkCli get} shows it; strict, so anything else is an error.
 */
final class CheckpointFormat {
    private static final String HEADER = "zktoolkit-checkpoint\t1";
    private static final int FIELDS = 8;

    private CheckpointFormat() {
    }

    static byte[] encode(CheckpointRecord current, List<CheckpointRecord> earlier) {
        StringBuilder text = new StringBuilder(HEADER);
        List<CheckpointRecord> all = new ArrayList<>();
        all.add(current);
        all.addAll(earlier);
        for (CheckpointRecord r : all) {
            text.append('\n').append(EscapedFields.join(List.of(r.value(), Long.toString(r.token()), r.runId(),
                    r.writer().host(), Long.toString(r.writer().pid()), r.writer().job(),
                    r.writtenAt().toString(), r.writeId())));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static CheckpointSnapshot decode(String name, String path, byte[] data, int zkVersion) {
        String text = StoredText.decode(path, data);
        String[] lines = text.split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new CorruptSyncDataException(path, "expected the header '" + HEADER.replace('\t', ' ')
                    + "' on the first line, found '" + StoredText.abbreviate(lines[0]) + "'");
        }
        if (lines.length < 2) {
            throw new CorruptSyncDataException(path, "a checkpoint header without a value");
        }
        List<CheckpointRecord> records = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            records.add(record(path, i + 1, lines[i]));
        }
        return new CheckpointSnapshot(name, path, records.get(0), records.subList(1, records.size()), zkVersion);
    }

    private static CheckpointRecord record(String path, int lineNumber, String line) {
        try {
            List<String> f = EscapedFields.split(line);
            if (f.size() != FIELDS) {
                throw new IllegalArgumentException(f.size() + " fields instead of " + FIELDS);
            }
            return new CheckpointRecord(f.get(0), Long.parseLong(f.get(1)), f.get(2),
                    new Holder(f.get(3), Long.parseLong(f.get(4)), f.get(5)), Instant.parse(f.get(6)), f.get(7));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "line " + lineNumber + " is not a checkpoint record ("
                    + e.getMessage() + "): '" + StoredText.abbreviate(line) + "'");
        }
    }
}
