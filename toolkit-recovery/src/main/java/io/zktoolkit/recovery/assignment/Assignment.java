package io.zktoolkit.recovery.assignment;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A task's assignment as its node holds it.
 *
 * @param task the task
 * @param memberId the assigned member's stable id, empty while unassigned
 * @param memberNode the assigned member's node (its identity for one session), empty while unassigned
 * @param leaderToken the fencing token of the leader that assigned it
 * @param assignedAt when it was assigned, by the leader's clock
 * @param epoch the task node's version: every reassignment raises it, and a worker's writes for
 *        the task are conditioned on it
 */
public record Assignment(String task, String memberId, String memberNode, long leaderToken, Instant assignedAt, int epoch) {
    private static final String FORMAT = "assignment-v1";

    /** The assigned member's node, if the task is assigned. */
    public Optional<String> assignee() {
        return memberNode.isEmpty() ? Optional.empty() : Optional.of(memberNode);
    }

    static byte[] encode(String memberId, String memberNode, long leaderToken, Instant at) {
        return EscapedFields.join(List.of(FORMAT, memberId, memberNode, Long.toString(leaderToken), at.toString()))
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] unassigned(Instant at) {
        return encode("", "", 0, at);
    }

    /**
     * Reads a task node.
     *
     * @throws CorruptSyncDataException naming {@code path} when it is not an assignment
     */
    static Assignment decode(String path, String task, byte[] data, int version) {
        String text = StoredText.decode(path, data);
        List<String> f;
        try {
            f = EscapedFields.split(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, e.getMessage());
        }
        if (f.size() != 5 || !f.get(0).equals(FORMAT)) {
            throw new CorruptSyncDataException(path, "expected an " + FORMAT + " record of 5 fields, found '"
                    + StoredText.abbreviate(text) + "'");
        }
        try {
            return new Assignment(task, f.get(1), f.get(2), Long.parseLong(f.get(3)), Instant.parse(f.get(4)), version);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "a field of the assignment is unreadable: " + e.getMessage());
        }
    }
}
