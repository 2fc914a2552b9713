package io.zktoolkit.benchmarks;

import java.util.List;
import java.util.Locale;

/** Renders a {@link RunReport} as a Markdown table for people, with what each side does below it. */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** The report as Markdown: an environment line, the table, then each case's two sides. */
    public static String render(RunReport report) {
        StringBuilder b = new StringBuilder();
        b.append("Run ").append(report.timestamp()).append(" · Java ").append(report.javaVersion())
                .append(" · ").append(report.availableProcessors()).append(" processors · ").append(report.os())
                .append("\n\n");
        b.append("| Case | Unit | Toolkit median (p10–p90) | Baseline median (p10–p90) | Toolkit / baseline "
                + "| Verdict | Trials per side | Retries (toolkit / baseline) |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (CaseResult r : report.results()) {
            b.append(row(r)).append('\n');
        }
        b.append('\n');
        appendGoals(b, report);
        for (CaseResult r : report.results()) {
            if (r.completed()) {
                b.append("- **").append(cell(r.name())).append("**\n")
                        .append("  - toolkit: ").append(r.toolkit().description()).append('\n')
                        .append("  - baseline: ").append(r.baseline().description()).append('\n');
            }
        }
        return b.toString();
    }

    /** One line per case with a goal: the bound, and how each side's trials kept to it. */
    private static void appendGoals(StringBuilder b, RunReport report) {
        List<CaseResult> withGoals = report.results().stream().filter(r -> r.goal() != null).toList();
        if (withGoals.isEmpty()) {
            return;
        }
        b.append("Goals:\n\n");
        for (CaseResult r : withGoals) {
            Goal goal = r.goal();
            b.append("- **").append(cell(r.name())).append("**: ").append(goal.description()).append(" (limit ")
                    .append(value(goal.limit())).append(' ').append(r.unit()).append("). ");
            if (!r.completed()) {
                b.append("Not measured: the case failed.\n");
                continue;
            }
            b.append("Toolkit ").append(againstGoal(r, r.toolkit())).append(": ")
                    .append(r.goalMet().orElseThrow() ? "**met**" : "**missed**").append(". Baseline ")
                    .append(againstGoal(r, r.baseline())).append(".\n");
        }
        b.append('\n');
    }

    private static String againstGoal(CaseResult r, SideResult side) {
        return "median " + value(side.summary().median()) + ", worst " + value(r.direction().worst(side.summary()))
                + " " + r.unit() + ", " + r.goal().within(side.samples(), r.direction()) + " of "
                + side.samples().size() + " trials within";
    }

    private static String row(CaseResult r) {
        String unit = cell(r.unit()) + ", " + r.direction().label();
        String trials = r.trials() + " (+" + r.warmups() + " warmup)";
        if (!r.completed()) {
            return "| " + cell(r.name()) + " | " + unit + " | – | – | – | failed: " + cell(r.error()) + " | "
                    + trials + " | – |";
        }
        return "| " + cell(r.name()) + " | " + unit + " | " + spread(r.toolkit().summary()) + " | "
                + spread(r.baseline().summary()) + " | " + ratio(r.ratio().orElseThrow())
                + " | " + verdict(r) + " | " + trials + " | " + r.toolkit().retries() + " / " + r.baseline().retries()
                + " |";
    }

    private static String verdict(CaseResult r) {
        String verdict = switch (r.verdict().orElseThrow()) {
            case BETTER -> "toolkit better";
            case WORSE -> "toolkit worse";
            case EQUAL -> "equal";
        };
        return r.rangesOverlap() ? verdict + " (p10–p90 ranges overlap)" : verdict;
    }

    private static String spread(SampleSummary s) {
        return value(s.median()) + " (" + value(s.p10()) + "–" + value(s.p90()) + ")";
    }

    /** Two decimals, or two significant digits below 0.01, where two decimals would print a real ratio as 0.00. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, Math.abs(r) >= 0.01 || r == 0 ? "%.2f" : "%.2g", r);
    }

    /** Three significant digits or so: the noise on a shared machine makes more digits fiction. */
    static String value(double v) {
        double abs = Math.abs(v);
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, v);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
