package io.zktoolkit.locks.spark;

/**
 * A task could not take its partition's lock in time: another attempt of the same partition
 * holds it. The message names that attempt, its host and process.
 */
public class PartitionBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the partition and the holder. */
    public PartitionBusyException(String message) {
        super(message);
    }
}
