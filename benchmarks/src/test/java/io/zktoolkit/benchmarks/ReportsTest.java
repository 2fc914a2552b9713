package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {
    @TempDir
    Path dir;

    private static final SideResult TOOLKIT = new SideResult("fake toolkit", List.of(30.0, 10.0, 20.0),
            SampleSummary.of(List.of(30.0, 10.0, 20.0)), 0, List.of());
    private static final SideResult BASELINE = new SideResult("fake | baseline \"quoted\"", List.of(40.0, 60.0, 50.0),
            SampleSummary.of(List.of(40.0, 60.0, 50.0)), 2, List.of("port race\nsecond line"));

    private static RunReport report() {
        CaseResult ok = new CaseResult("fake ok", "ms", Direction.LOWER_IS_BETTER, 1, 3,
                new Goal("done within 25 ms", 25), TOOLKIT, BASELINE, null);
        CaseResult failed = new CaseResult("fake failed", "ops/s", Direction.HIGHER_IS_BETTER, 0, 5, null, null, null,
                "java.lang.IllegalStateException: boom");
        return new RunReport(Instant.parse("2025-01-02T03:04:05Z"), "17.0.15", "OpenJDK (Debian)", "Linux amd64", 2,
                List.of(ok, failed));
    }

    @Test
    void jsonCarriesTheEnvironmentAndEachSidesStatistics() throws Exception {
        JsonNode json = new ObjectMapper().readTree(JsonReport.render(report()));

        assertThat(json.get("timestamp").asText()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(json.get("javaVersion").asText()).isEqualTo("17.0.15");
        assertThat(json.get("availableProcessors").asInt()).isEqualTo(2);
        JsonNode ok = json.get("cases").get(0);
        assertThat(ok.get("name").asText()).isEqualTo("fake ok");
        assertThat(ok.get("unit").asText()).isEqualTo("ms");
        assertThat(ok.get("direction").asText()).isEqualTo("lower is better");
        assertThat(ok.get("ratio").asDouble()).isEqualTo(0.4);
        assertThat(ok.get("verdict").asText()).isEqualTo("better");
        assertThat(ok.get("rangesOverlap").asBoolean()).isFalse();
        assertThat(ok.get("goal").get("description").asText()).isEqualTo("done within 25 ms");
        assertThat(ok.get("goal").get("limit").asDouble()).isEqualTo(25.0);
        assertThat(ok.get("goal").get("met").asBoolean()).isFalse();
        assertThat(ok.get("goal").get("toolkitTrialsWithin").asInt()).isEqualTo(2);
        assertThat(ok.get("goal").get("baselineTrialsWithin").asInt()).isZero();
        assertThat(ok.get("toolkit").get("median").asDouble()).isEqualTo(20.0);
        assertThat(ok.get("toolkit").get("p10").asDouble()).isEqualTo(12.0);
        assertThat(ok.get("toolkit").get("p90").asDouble()).isEqualTo(28.0);
        assertThat(ok.get("toolkit").get("samples")).extracting(JsonNode::asDouble).containsExactly(30.0, 10.0, 20.0);
        assertThat(ok.get("baseline").get("description").asText()).isEqualTo("fake | baseline \"quoted\"");
        assertThat(ok.get("baseline").get("retries").asInt()).isEqualTo(2);
        assertThat(ok.get("baseline").get("retryReasons").get(0).asText()).isEqualTo("port race\nsecond line");
        JsonNode failed = json.get("cases").get(1);
        assertThat(failed.get("completed").asBoolean()).isFalse();
        assertThat(failed.get("error").asText()).contains("boom");
        assertThat(failed.get("ratio").isNull()).isTrue();
        assertThat(failed.get("toolkit").isNull()).isTrue();
        assertThat(failed.get("goal").isNull()).isTrue();
    }

    @Test
    void markdownHasOneRowPerCase() {
        String markdown = MarkdownReport.render(report());

        assertThat(markdown).contains("· 2 processors ·");
        assertThat(markdown).contains("| Case | Unit | Toolkit median (p10–p90) | Baseline median (p10–p90) |");
        assertThat(markdown).contains("| fake ok | ms, lower is better | 20.0 (12.0–28.0) | 50.0 (42.0–58.0) | 0.40 "
                + "| toolkit better | 3 (+1 warmup) | 0 / 2 |");
        assertThat(markdown).contains("| fake failed | ops/s, higher is better | – | – | – | failed: "
                + "java.lang.IllegalStateException: boom |");
        assertThat(markdown).contains("  - baseline: fake | baseline \"quoted\"");
        assertThat(markdown).contains("- **fake ok**: done within 25 ms (limit 25.0 ms). Toolkit median 20.0, worst 30.0 ms,"
                + " 2 of 3 trials within: **missed**. Baseline median 50.0, worst 60.0 ms, 0 of 3 trials within.");
    }

    @Test
    void ratiosFarBelowOneKeepTheirDigits() {
        assertThat(MarkdownReport.ratio(0.4)).isEqualTo("0.40");
        assertThat(MarkdownReport.ratio(6367.294)).isEqualTo("6367.29");
        assertThat(MarkdownReport.ratio(7.3e-6)).isEqualTo("7.3e-06");
    }

    @Test
    void writesTheJsonAndTheMarkdownBesideIt() throws Exception {
        RunnerOptions options = RunnerOptions.parse("--out", dir.resolve("out/results.json").toString());

        String markdown = BenchmarkRunner.write(report(), options);

        assertThat(new ObjectMapper().readTree(dir.resolve("out/results.json").toFile()).get("cases")).hasSize(2);
        assertThat(Files.readString(dir.resolve("out/results.md"))).isEqualTo(markdown);
    }
}
