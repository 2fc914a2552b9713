package io.zktoolkit.locks.spark;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The record that a partition was committed, and by whom: the node {@link PartitionLock#commit()}
 * creates. Its existence is the commit; its content tells the losing attempts and the operator
 * which attempt won.
 *
 * @param attempt the attempt that committed
 * @param host the host it ran on
 * @param token the fencing token of its partition lock
 * @param committedAt when it committed, by its host's clock
 */
public record CommitMarker(TaskAttempt attempt, String host, long token, Instant committedAt) {

    byte[] encode() {
        return ("stage=" + attempt.stageId() + "\npartition=" + attempt.partitionId()
                + "\nattempt=" + attempt.attemptNumber() + "\ntid=" + attempt.taskAttemptId()
                + "\nexecutor=" + attempt.executorId() + "\nhost=" + host + "\ntoken=" + token
                + "\ncommittedAt=" + committedAt).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a marker's data.
     *
     * @throws IllegalStateException naming {@code path} when the data is not a marker (a node
     *         someone else wrote there): a commit decision must not rest on a guess
     */
    static CommitMarker decode(String path, byte[] data) {
        Map<String, String> fields = new HashMap<>();
        for (String line : new String(data == null ? new byte[0] : data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            TaskAttempt attempt = new TaskAttempt(Integer.parseInt(fields.get("stage")),
                    Integer.parseInt(fields.get("partition")), Integer.parseInt(fields.get("attempt")),
                    Long.parseLong(fields.get("tid")), fields.get("executor"));
            return new CommitMarker(attempt, fields.getOrDefault("host", "unknown"), Long.parseLong(fields.get("token")),
                    Instant.parse(fields.get("committedAt")));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Commit marker " + path + " does not hold a commit record (" + fields
                    + "); was it written by something other than PartitionLock.commit?", e);
        }
    }

    @Override
    public String toString() {
        return "attempt " + attempt.attemptNumber() + " (TID " + attempt.taskAttemptId() + " on executor "
                + attempt.executorId() + ", host " + host + ", token " + token + ", at " + committedAt + ")";
    }
}
