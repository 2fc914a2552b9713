package io.zktoolkit.benchmarks;

import java.util.Optional;

/**
 * The outcome of one case: both sides' results and how they compare, or the error that stopped it.
 *
 * @param name the case's name
 * @param unit the samples' unit
 * @param direction which way samples improve
 * @param warmups warmup trials run per side
 * @param trials measured trials per side
 * @param goal the bound the toolkit should keep in every trial; {@code null} when the case has none
 * @param toolkit the toolkit side's result; {@code null} when the case failed
 * @param baseline the baseline side's result; {@code null} when the case failed
 * @param error why the case failed; {@code null} when it completed
 */
public record CaseResult(String name, String unit, Direction direction, int warmups, int trials, Goal goal,
        SideResult toolkit, SideResult baseline, String error) {

    /** Whether both sides produced samples. */
    public boolean completed() {
        return error == null;
    }

    /** Toolkit median divided by baseline median; empty for a failed case. */
    public Optional<Double> ratio() {
        return completed() ? Optional.of(toolkit.summary().median() / baseline.summary().median()) : Optional.empty();
    }

    /** Whether the toolkit's median beats the baseline's, given the direction. */
    public Optional<Direction.Verdict> verdict() {
        return ratio().map(direction::judge);
    }

    /** Whether every measured toolkit trial kept within the case's goal; empty without a goal or samples. */
    public Optional<Boolean> goalMet() {
        return goal != null && completed() ? Optional.of(goal.metBy(toolkit.samples(), direction)) : Optional.empty();
    }

    /** Whether the sides' p10–p90 ranges overlap, so that the verdict is within the noise. */
    public boolean rangesOverlap() {
        return completed() && toolkit.summary().overlaps(baseline.summary());
    }
}
