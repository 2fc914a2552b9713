package io.zktoolkit.benchmarks;

/** Which way a case's samples improve. */
public enum Direction {
    /** Durations, latencies, memory. */
    LOWER_IS_BETTER("lower is better"),
    /** Throughput. */
    HIGHER_IS_BETTER("higher is better");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** Human-readable form, also used in the JSON output. */
    public String label() {
        return label;
    }

    /** How the toolkit compares, given the ratio toolkit/baseline of the two medians. */
    public Verdict judge(double ratio) {
        if (Double.isNaN(ratio) || ratio == 1.0) {
            return Verdict.EQUAL;
        }
        boolean toolkitSmaller = ratio < 1.0;
        return toolkitSmaller == (this == LOWER_IS_BETTER) ? Verdict.BETTER : Verdict.WORSE;
    }

    /** Whether {@code sample} is {@code limit} or better. */
    public boolean keepsWithin(double sample, double limit) {
        return this == LOWER_IS_BETTER ? sample <= limit : sample >= limit;
    }

    /** The worst of a side's samples: the largest when lower is better, else the smallest. */
    public double worst(SampleSummary summary) {
        return this == LOWER_IS_BETTER ? summary.max() : summary.min();
    }

    /** The toolkit's standing against the baseline. */
    public enum Verdict {
        /** The toolkit's median is better than the baseline's. */
        BETTER,
        /** The toolkit's median is worse than the baseline's. */
        WORSE,
        /** The medians are equal, or there is nothing to compare. */
        EQUAL
    }
}
