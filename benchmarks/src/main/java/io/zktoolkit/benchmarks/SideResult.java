package io.zktoolkit.benchmarks;

import java.util.List;

/**
 * What one side of a case measured.
 *
 * @param description what the side's trial does
 * @param samples measured samples in run order, warmups excluded
 * @param summary statistics of {@code samples}
 * @param retries attempts discarded after a {@link RetryableTrialException}, warmups included
 * @param retryReasons distinct messages of those failures
 */
public record SideResult(String description, List<Double> samples, SampleSummary summary, int retries,
        List<String> retryReasons) {
    /** Copies the lists. */
    public SideResult {
        samples = List.copyOf(samples);
        retryReasons = List.copyOf(retryReasons);
    }
}
