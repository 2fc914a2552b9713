package io.zktoolkit.sync.checkpoint;

import java.util.List;
import java.util.Optional;

/**
 * A checkpoint as read from ZooKeeper: its current value (if it was ever written) and the
 * previous ones, plus the znode version that a write based on this read checks, so a write is
 * refused if anyone moved the checkpoint since.
 */
public final class CheckpointSnapshot {
    /** The znode version of a checkpoint that does not exist yet. */
    static final int ABSENT = -1;

    private final String name;
    private final String path;
    private final CheckpointRecord current;
    private final List<CheckpointRecord> history;
    private final int zkVersion;

    CheckpointSnapshot(String name, String path, CheckpointRecord current, List<CheckpointRecord> history, int zkVersion) {
        this.name = name;
        this.path = path;
        this.current = current;
        this.history = List.copyOf(history);
        this.zkVersion = zkVersion;
    }

    static CheckpointSnapshot absent(String name, String path) {
        return new CheckpointSnapshot(name, path, null, List.of(), ABSENT);
    }

    /** The checkpoint's name. */
    public String name() {
        return name;
    }

    /** Its znode, inside the client's namespace. */
    public String path() {
        return path;
    }

    /** The current value and who wrote it; empty if the checkpoint was never written. */
    public Optional<CheckpointRecord> current() {
        return Optional.ofNullable(current);
    }

    /** The current value; empty if the checkpoint was never written. */
    public Optional<String> value() {
        return current().map(CheckpointRecord::value);
    }

    /** Earlier values, newest first, as many as the store keeps. */
    public List<CheckpointRecord> history() {
        return history;
    }

    int zkVersion() {
        return zkVersion;
    }

    /** Whether {@code writeId} is the current value's or one of the kept earlier ones'. */
    boolean contains(String writeId) {
        return (current != null && current.writeId().equals(writeId))
                || history.stream().anyMatch(r -> r.writeId().equals(writeId));
    }

    @Override
    public String toString() {
        return "checkpoint " + name + (current == null ? " (never written)"
                : " = " + current.value() + " (token " + current.token() + ", run " + current.runId() + ", by "
                + current.writer() + " at " + current.writtenAt() + ")");
    }
}
