package io.zktoolkit.sync;

/**
 * A znode this module reads holds something it did not write: foreign bytes, another tool's
 * format, a damaged field. Never treated as empty, because resetting a checkpoint or counter
 * silently would replay or skip work. The message names the path and what is wrong.
 */
public class CorruptSyncDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /** With the znode's path and what is wrong there. */
    public CorruptSyncDataException(String path, String problem) {
        super("Znode " + path + " does not hold data this toolkit wrote: " + problem
                + ". Inspect it (zkCli get " + path + ") and delete or repair it; it was left as is");
        this.path = path;
    }

    /** The znode's path, inside the client's namespace. */
    public String path() {
        return path;
    }
}
