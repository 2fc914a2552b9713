package io.zktoolkit.examples;

/** The launcher's exit codes, documented in {@code zktoolkit --help}. */
public final class ExitCodes {
    /** The command did what it was asked. */
    public static final int OK = 0;
    /** The command ran but its work failed (for example the demo found a lost write). */
    public static final int FAILED = 1;
    /** Bad command-line arguments. */
    public static final int USAGE = 2;
    /** The settings file is missing or invalid. */
    public static final int BAD_SETTINGS = 3;
    /** ZooKeeper could not be reached or the embedded server could not start. */
    public static final int ZOOKEEPER_UNAVAILABLE = 4;

    private ExitCodes() {
    }
}
