package io.zktoolkit.recovery.assignment;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A task's completion record, written once, in the same transaction that checks the worker
 * still holds the task's lock and the assignment's epoch.
 *
 * @param task the task
 * @param memberId who completed it
 * @param memberNode its identity then
 * @param epoch the assignment epoch it completed under
 * @param finishedAt when, by the worker's clock
 * @param result what the task returned, for example "imported 120 rows up to id 5000"
 */
public record Completion(String task, String memberId, String memberNode, int epoch, Instant finishedAt, String result) {
    private static final String FORMAT = "completion-v1";

    byte[] encode() {
        return EscapedFields.join(List.of(FORMAT, memberId, memberNode, Integer.toString(epoch), finishedAt.toString(), result))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a completion node.
     *
     * @throws CorruptSyncDataException naming {@code path} when it is not a completion record
     */
    static Completion decode(String path, String task, byte[] data) {
        String text = StoredText.decode(path, data);
        List<String> f;
        try {
            f = EscapedFields.split(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, e.getMessage());
        }
        if (f.size() != 6 || !f.get(0).equals(FORMAT)) {
            throw new CorruptSyncDataException(path, "expected a " + FORMAT + " record of 6 fields, found '"
                    + StoredText.abbreviate(text) + "'");
        }
        try {
            return new Completion(task, f.get(1), f.get(2), Integer.parseInt(f.get(3)), Instant.parse(f.get(4)), f.get(5));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "a field of the completion is unreadable: " + e.getMessage());
        }
    }
}
