package io.zktoolkit.benchmarks;

import java.util.Objects;

/**
 * One side of a case: what it does, in words for the report, and how to measure it once.
 *
 * @param description what the trial does, for example the calls it times
 * @param trial one measurement
 */
public record Side(String description, Trial trial) {
    /** Checks both parts are present. */
    public Side {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(trial, "trial");
    }

    /** One measurement of a side. */
    @FunctionalInterface
    public interface Trial {
        /**
         * Does the work once and returns the sample in the case's unit.
         *
         * @throws RetryableTrialException when a known-transient failure makes this sample
         *     meaningless but a new attempt may succeed; any other exception fails the case
         */
        double measure() throws Exception;
    }
}
