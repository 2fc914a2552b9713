package io.zktoolkit.examples.pipeline;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The demo's live output: stage headings and one timestamped line per event, written as they
 * happen, so a slow step is visible while it runs rather than only in the report.
 */
public final class Timeline {
    private final PrintWriter out;
    private final long start = System.nanoTime();

    public Timeline(PrintWriter out) {
        this.out = out;
    }

    /** Starts a stage: a heading line. */
    public synchronized void stage(String title) {
        out.println();
        out.println("== " + title);
        out.flush();
    }

    /** One event of {@code who} (a worker, a server, the demo itself). */
    public synchronized void event(String who, String what) {
        out.printf(Locale.ROOT, "[%6.1fs] %-12s %s%n", elapsed().toMillis() / 1000.0, who, what);
        out.flush();
    }

    /** A progress line of long work (a Spark stage, an import round), under the given subject. */
    public void progress(String line) {
        event("progress", line);
    }

    /** Time since the demo began. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
