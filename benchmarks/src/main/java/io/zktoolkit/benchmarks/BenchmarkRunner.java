package io.zktoolkit.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs benchmark cases side by side and writes the results as JSON and Markdown.
 *
 * <p>Within a case the two sides take turns, trial by trial, and the side that goes first swaps
 * on every pair: on a shared machine, load that comes and goes then hits both sides alike, and
 * neither side always inherits the other's leftovers (garbage, closing sockets, JIT work).
 * A failing case is reported and the run goes on with the next one.
 *
 * <pre>
 * java io.zktoolkit.benchmarks.BenchmarkRunner --out target/benchmark-results.json [--only quorum] [--trials 5]
 * </pre>
 */
public final class BenchmarkRunner {
    /** Attempts per trial before a side that keeps hitting transient failures fails its case. */
    static final int MAX_ATTEMPTS = 5;

    private final PrintStream progress;

    /** A runner that reports progress to {@code progress}. */
    public BenchmarkRunner(PrintStream progress) {
        this.progress = progress;
    }

    /**
     * Runs the selected cases from {@link BenchmarkCatalog}, writes the JSON and Markdown files,
     * prints the table, and exits: non-zero if a case failed.
     */
    public static void main(String[] args) throws IOException {
        RunnerOptions options;
        try {
            options = RunnerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<BenchmarkCase> cases = BenchmarkCatalog.all().stream().filter(options::selects).toList();
        if (cases.isEmpty()) {
            System.err.println("No case name contains '" + options.only().orElse("") + "'; cases: "
                    + BenchmarkCatalog.all().stream().map(BenchmarkCase::name).toList());
            System.exit(2);
            return;
        }
        RunReport report = new BenchmarkRunner(System.out).runAll(cases, options);
        String markdown = write(report, options);
        System.out.println();
        System.out.print(markdown);
        System.out.println();
        System.out.println("Results: " + options.out().toAbsolutePath() + " and " + options.markdownOut().getFileName());
        // Exit explicitly: an embedded quorum now and then leaves a non-daemon ZooKeeper thread behind (a
        // leader's LearnerHandler "Sender"), which would otherwise keep this JVM, and the Maven build, waiting.
        System.exit(report.allCompleted() ? 0 : 1);
    }

    /** Runs each case with the options' trial and warmup overrides, in order. */
    public RunReport runAll(List<BenchmarkCase> cases, RunnerOptions options) {
        List<CaseResult> results = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            BenchmarkCase c = cases.get(i);
            int warmups = options.warmups().orElse(c.warmups());
            int trials = options.trials().orElse(c.trials());
            progress.printf("[%d/%d] %s: %d warmup + %d measured trials per side%n", i + 1, cases.size(), c.name(),
                    warmups, trials);
            results.add(run(c, warmups, trials));
        }
        return RunReport.ofThisJvm(results);
    }

    /** Runs one case: set-up, interleaved warmups and trials, tear-down. Never throws for a failing case. */
    public CaseResult run(BenchmarkCase c, int warmups, int trials) {
        if (trials < 1 || warmups < 0) {
            throw new IllegalArgumentException("need at least 1 trial and no negative warmups, got " + trials + " and "
                    + warmups);
        }
        Goal goal = c.goal().orElse(null);
        SideRecorder toolkit = new SideRecorder("toolkit", c.toolkit());
        SideRecorder baseline = new SideRecorder("baseline", c.baseline());
        String error = null;
        try {
            c.setUp();
            for (int pair = 0; pair < warmups + trials; pair++) {
                boolean measured = pair >= warmups;
                SideRecorder first = pair % 2 == 0 ? toolkit : baseline;
                SideRecorder second = first == toolkit ? baseline : toolkit;
                double a = first.trial(measured);
                double b = second.trial(measured);
                progress.printf("  %s %d/%d  %s %s %s  %s %s %s%n", measured ? "trial " : "warmup",
                        measured ? pair - warmups + 1 : pair + 1, measured ? trials : warmups,
                        first.label, MarkdownReport.value(a), c.unit(), second.label, MarkdownReport.value(b), c.unit());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            error = describe(e);
            progress.println("  FAILED: " + error);
            e.printStackTrace(progress);
        } finally {
            try {
                c.tearDown();
            } catch (Exception e) {
                progress.println("  tear-down failed: " + describe(e));
            }
        }
        return error != null
                ? new CaseResult(c.name(), c.unit(), c.direction(), warmups, trials, goal, null, null, error)
                : new CaseResult(c.name(), c.unit(), c.direction(), warmups, trials, goal, toolkit.result(),
                        baseline.result(), null);
    }

    /** Writes the JSON file and the Markdown beside it; returns the Markdown. */
    static String write(RunReport report, RunnerOptions options) throws IOException {
        Path parent = options.out().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String markdown = MarkdownReport.render(report);
        Files.writeString(options.out(), JsonReport.render(report));
        Files.writeString(options.markdownOut(), markdown);
        return markdown;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            b.append("; caused by ").append(cause);
        }
        return b.toString();
    }

    /** One side's samples and retries as the case runs. */
    private final class SideRecorder {
        final String label;
        final Side side;
        final List<Double> samples = new ArrayList<>();
        final Set<String> retryReasons = new LinkedHashSet<>();
        int retries;

        SideRecorder(String label, Side side) {
            this.label = label;
            this.side = side;
        }

        double trial(boolean measured) throws Exception {
            for (int attempt = 1; ; attempt++) {
                try {
                    double sample = side.trial().measure();
                    if (!Double.isFinite(sample)) {
                        throw new IllegalStateException(label + " trial returned " + sample);
                    }
                    if (measured) {
                        samples.add(sample);
                    }
                    return sample;
                } catch (RetryableTrialException e) {
                    retries++;
                    retryReasons.add(describe(e));
                    progress.println("  " + label + " attempt " + attempt + " failed, retrying: " + describe(e));
                    if (attempt == MAX_ATTEMPTS) {
                        throw new IllegalStateException(label + " trial failed " + MAX_ATTEMPTS + " times in a row", e);
                    }
                }
            }
        }

        SideResult result() {
            return new SideResult(side.description(), samples, SampleSummary.of(samples), retries,
                    List.copyOf(retryReasons));
        }
    }
}
