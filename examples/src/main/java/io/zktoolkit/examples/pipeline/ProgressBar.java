package io.zktoolkit.examples.pipeline;

/** A text progress bar that stays readable in a log file: no carriage returns, one line per change. */
public final class ProgressBar {
    private static final int WIDTH = 20;

    private ProgressBar() {
    }

    /** {@code [########------------] 2/5}; a total of 0 shows an empty bar. */
    public static String render(long done, long total) {
        int filled = total <= 0 ? 0 : (int) Math.min(WIDTH, done * WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total;
    }
}
