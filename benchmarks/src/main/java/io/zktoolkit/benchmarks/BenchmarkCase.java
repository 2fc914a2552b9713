package io.zktoolkit.benchmarks;

import java.util.Optional;

/**
 * One side-by-side comparison: the same job done with the toolkit and with what users write
 * today, each measured one trial at a time. The {@link BenchmarkRunner} interleaves the two sides'
 * trials so that drift on a noisy machine lands on both.
 *
 * <p>A trial returns one sample in {@link #unit()}: elapsed milliseconds, operations per second,
 * a latency percentile measured inside the trial, and so on. Work that both sides share and that
 * is not being compared (an ensemble the operations run against, say) belongs in {@link #setUp()}.
 */
public interface BenchmarkCase {
    /** A short, unique name; {@code --only} matches a substring of it. */
    String name();

    /** Unit of every sample, for example {@code ms} or {@code ops/s}. */
    String unit();

    /** Whether smaller or larger samples are better. */
    Direction direction();

    /** Trials per side run and discarded before measuring. */
    int warmups();

    /** Measured trials per side. */
    int trials();

    /** The toolkit side. */
    Side toolkit();

    /** The baseline side: the same job done the way users do it without the toolkit. */
    Side baseline();

    /**
     * A bound the toolkit should keep in every trial, reported beside the comparison; none by default.
     * Asserted nowhere: on a shared machine a miss is a finding to read about, not a build failure.
     */
    default Optional<Goal> goal() {
        return Optional.empty();
    }

    /** Runs once before the first warmup. */
    default void setUp() throws Exception {
    }

    /** Runs once after the last trial, also when a trial failed. */
    default void tearDown() throws Exception {
    }
}
