package io.zktoolkit.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Order statistics of one side's samples. Percentiles interpolate linearly between the two nearest
 * ranks (the method spreadsheets and NumPy use by default), so ten samples give a p10 between the
 * smallest and the second smallest rather than snapping to either.
 *
 * @param median p50
 * @param p10 10th percentile
 * @param p90 90th percentile
 * @param min smallest sample
 * @param max largest sample
 */
public record SampleSummary(double median, double p10, double p90, double min, double max) {
    /** Summarises at least one sample. */
    public static SampleSummary of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to summarise");
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new SampleSummary(percentile(sorted, 50), percentile(sorted, 10), percentile(sorted, 90),
                sorted[0], sorted[sorted.length - 1]);
    }

    /** Whether the p10–p90 ranges of two summaries overlap: then the medians' order may be noise. */
    public boolean overlaps(SampleSummary other) {
        return p10 <= other.p90 && other.p10 <= p90;
    }

    static double percentile(double[] sorted, double percent) {
        double rank = (sorted.length - 1) * percent / 100.0;
        int below = (int) Math.floor(rank);
        int above = (int) Math.ceil(rank);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
