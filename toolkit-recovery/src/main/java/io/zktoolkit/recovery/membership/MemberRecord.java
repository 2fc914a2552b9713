package io.zktoolkit.recovery.membership;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What a member's ephemeral node says about it: who it is, where it runs, and its latest
 * heartbeat with load and progress.
 *
 * @param memberId the stable id the member joined with (the same after a rejoin)
 * @param node the member node's name: its identity for this session; a rejoin gets a new one
 * @param host the host it runs on
 * @param pid its process id
 * @param startedAt when this process joined first
 * @param heartbeat heartbeats sent in this identity, counting from 0
 * @param heartbeatAt when the last heartbeat was sent, by the member's clock (shown, never compared)
 * @param load the load the member reported, 0 when it reports none
 * @param progress the last progress it reported, empty for none
 */
public record MemberRecord(String memberId, String node, String host, long pid, Instant startedAt, long heartbeat,
        Instant heartbeatAt, double load, String progress) {
    private static final String FORMAT = "member-v1";

    /** The sequence ZooKeeper appended to the node's name: a later join has a higher one. */
    public long sequence() {
        return sequenceOf(node);
    }

    static long sequenceOf(String node) {
        int digits = node.length();
        while (digits > 0 && Character.isDigit(node.charAt(digits - 1))) {
            digits--;
        }
        String tail = node.substring(digits);
        return tail.isEmpty() || tail.length() > 18 ? Long.MAX_VALUE : Long.parseLong(tail);
    }

    /** The same record one heartbeat later. */
    MemberRecord beat(Instant at, double newLoad, String newProgress) {
        return new MemberRecord(memberId, node, host, pid, startedAt, heartbeat + 1, at, newLoad, newProgress);
    }

    /** The same record under another node name (the node is named by ZooKeeper on creation). */
    MemberRecord named(String newNode) {
        return new MemberRecord(memberId, newNode, host, pid, startedAt, heartbeat, heartbeatAt, load, progress);
    }

    byte[] encode() {
        return EscapedFields.join(List.of(FORMAT, memberId, host, Long.toString(pid), startedAt.toString(),
                Long.toString(heartbeat), heartbeatAt.toString(), Double.toString(load), progress))
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a member node.
     *
     * @throws CorruptSyncDataException naming {@code path} when the data is not a member record
     */
    public static MemberRecord decode(String path, String node, byte[] data) {
        String text = StoredText.decode(path, data);
        List<String> f;
        try {
            f = EscapedFields.split(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, e.getMessage());
        }
        if (f.size() != 9 || !f.get(0).equals(FORMAT)) {
            throw new CorruptSyncDataException(path, "expected a " + FORMAT + " record of 9 fields, found '"
                    + StoredText.abbreviate(text) + "'");
        }
        try {
            return new MemberRecord(f.get(1), node, f.get(2), Long.parseLong(f.get(3)), Instant.parse(f.get(4)),
                    Long.parseLong(f.get(5)), Instant.parse(f.get(6)), Double.parseDouble(f.get(7)), f.get(8));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "a field of the member record is unreadable: " + e.getMessage());
        }
    }
}
