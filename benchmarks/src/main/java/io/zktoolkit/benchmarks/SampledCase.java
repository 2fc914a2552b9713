package io.zktoolkit.benchmarks;

/**
 * What most cases share: a unit, a direction and how many warmup and measured trials each side
 * gets. A case extends it and adds only what it measures.
 */
public abstract class SampledCase implements BenchmarkCase {
    private final String unit;
    private final Direction direction;
    private final int warmups;
    private final int trials;

    /**
     * @param unit of every sample, for example {@code ms}
     * @param direction which way samples improve
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    SampledCase(String unit, Direction direction, int warmups, int trials) {
        this.unit = unit;
        this.direction = direction;
        this.warmups = warmups;
        this.trials = trials;
    }

    @Override
    public final String unit() {
        return unit;
    }

    @Override
    public final Direction direction() {
        return direction;
    }

    @Override
    public final int warmups() {
        return warmups;
    }

    @Override
    public final int trials() {
        return trials;
    }
}
