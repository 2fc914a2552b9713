package io.zktoolkit.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a {@link RunReport} as JSON for scripts that compare runs. Written by hand: the shape is
 * small and fixed, so a JSON library would add a dependency without removing much code.
 * Non-finite numbers become {@code null}.
 */
public final class JsonReport {
    private JsonReport() {
    }

    /** The report as an indented JSON document. */
    public static String render(RunReport report) {
        String cases = report.results().stream().map(JsonReport::caseObject).collect(Collectors.joining(",\n"));
        return "{\n"
                + "  \"timestamp\": " + string(report.timestamp().toString()) + ",\n"
                + "  \"javaVersion\": " + string(report.javaVersion()) + ",\n"
                + "  \"javaVm\": " + string(report.javaVm()) + ",\n"
                + "  \"os\": " + string(report.os()) + ",\n"
                + "  \"availableProcessors\": " + report.availableProcessors() + ",\n"
                + "  \"cases\": [\n" + cases + "\n  ]\n"
                + "}\n";
    }

    private static String caseObject(CaseResult r) {
        StringBuilder b = new StringBuilder();
        b.append("    {\n");
        b.append("      \"name\": ").append(string(r.name())).append(",\n");
        b.append("      \"unit\": ").append(string(r.unit())).append(",\n");
        b.append("      \"direction\": ").append(string(r.direction().label())).append(",\n");
        b.append("      \"warmups\": ").append(r.warmups()).append(",\n");
        b.append("      \"trials\": ").append(r.trials()).append(",\n");
        b.append("      \"completed\": ").append(r.completed()).append(",\n");
        b.append("      \"error\": ").append(r.error() == null ? "null" : string(r.error())).append(",\n");
        b.append("      \"ratio\": ").append(r.ratio().map(JsonReport::number).orElse("null")).append(",\n");
        b.append("      \"verdict\": ")
                .append(r.verdict().map(v -> string(v.name().toLowerCase(Locale.ROOT))).orElse("null")).append(",\n");
        b.append("      \"rangesOverlap\": ").append(r.rangesOverlap()).append(",\n");
        b.append("      \"goal\": ").append(goalObject(r)).append(",\n");
        b.append("      \"toolkit\": ").append(sideObject(r.toolkit())).append(",\n");
        b.append("      \"baseline\": ").append(sideObject(r.baseline())).append("\n");
        b.append("    }");
        return b.toString();
    }

    private static String goalObject(CaseResult r) {
        Goal goal = r.goal();
        if (goal == null) {
            return "null";
        }
        return "{\n"
                + "        \"description\": " + string(goal.description()) + ",\n"
                + "        \"limit\": " + number(goal.limit()) + ",\n"
                + "        \"met\": " + r.goalMet().map(String::valueOf).orElse("null") + ",\n"
                + "        \"toolkitTrialsWithin\": " + within(goal, r.toolkit(), r.direction()) + ",\n"
                + "        \"baselineTrialsWithin\": " + within(goal, r.baseline(), r.direction()) + "\n"
                + "      }";
    }

    private static String within(Goal goal, SideResult side, Direction direction) {
        return side == null ? "null" : Long.toString(goal.within(side.samples(), direction));
    }

    private static String sideObject(SideResult s) {
        if (s == null) {
            return "null";
        }
        SampleSummary sum = s.summary();
        return "{\n"
                + "        \"description\": " + string(s.description()) + ",\n"
                + "        \"median\": " + number(sum.median()) + ",\n"
                + "        \"p10\": " + number(sum.p10()) + ",\n"
                + "        \"p90\": " + number(sum.p90()) + ",\n"
                + "        \"min\": " + number(sum.min()) + ",\n"
                + "        \"max\": " + number(sum.max()) + ",\n"
                + "        \"samples\": " + array(s.samples().stream().map(JsonReport::number).toList()) + ",\n"
                + "        \"retries\": " + s.retries() + ",\n"
                + "        \"retryReasons\": " + array(s.retryReasons().stream().map(JsonReport::string).toList()) + "\n"
                + "      }";
    }

    private static String array(List<String> items) {
        return "[" + String.join(", ", items) + "]";
    }

    static String number(double value) {
        if (!Double.isFinite(value)) {
            return "null";
        }
        // Microsecond resolution for ms; beyond that the machine's noise dominates anyway.
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String string(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
