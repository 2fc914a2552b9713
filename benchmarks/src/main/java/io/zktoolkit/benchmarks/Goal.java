package io.zktoolkit.benchmarks;

import java.util.List;
import java.util.Objects;

/**
 * A bound the toolkit should keep in every trial of a case, beside the comparison with the baseline:
 * a project goal such as "a new leader working within the session timeout plus half a second after
 * kill -9". The report says how many trials of each side kept within it and whether the toolkit met
 * it. Tests never assert on such bounds; they live in the benchmark only.
 *
 * @param description what the bound stands for, in words, for the report
 * @param limit the bound in the case's unit; a sample equal to it, or better given the case's
 *     direction, keeps within it
 */
public record Goal(String description, double limit) {
    /** Checks the description is present and the limit a number. */
    public Goal {
        Objects.requireNonNull(description, "description");
        if (!Double.isFinite(limit)) {
            throw new IllegalArgumentException("a goal's limit must be finite, was " + limit);
        }
    }

    /** How many of {@code samples} keep within the limit, given which way samples improve. */
    public long within(List<Double> samples, Direction direction) {
        return samples.stream().filter(sample -> direction.keepsWithin(sample, limit)).count();
    }

    /** Whether every one of at least one sample keeps within the limit. */
    public boolean metBy(List<Double> samples, Direction direction) {
        return !samples.isEmpty() && within(samples, direction) == samples.size();
    }
}
