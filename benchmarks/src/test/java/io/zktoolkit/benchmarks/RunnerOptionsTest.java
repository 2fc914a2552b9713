package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {
    @Test
    void parsesEveryOption() {
        RunnerOptions o = RunnerOptions.parse("--out", "target/r.json", "--only", "quorum", "--trials", "4",
                "--warmups", "0");

        assertThat(o.out()).isEqualTo(Path.of("target/r.json"));
        assertThat(o.markdownOut()).isEqualTo(Path.of("target/r.md"));
        assertThat(o.only()).hasValue("quorum");
        assertThat(o.trials()).hasValue(4);
        assertThat(o.warmups()).hasValue(0);
    }

    @Test
    void onlySelectsCasesByNameSubstring() {
        RunnerOptions o = RunnerOptions.parse("--out", "r.json", "--only", "quorum");

        assertThat(BenchmarkCatalog.all().stream().filter(o::selects).map(BenchmarkCase::name))
                .containsExactly("connect-to-ready, embedded 3-server quorum");
        assertThat(BenchmarkCatalog.all().stream().filter(RunnerOptions.parse("--out", "r.json")::selects))
                .hasSize(BenchmarkCatalog.all().size());
    }

    @Test
    void markdownGoesBesideAFileWithoutJsonExtension() {
        assertThat(RunnerOptions.parse("--out", "results").markdownOut()).isEqualTo(Path.of("results.md"));
    }

    @Test
    void rejectsBadArguments() {
        for (List<String> args : List.of(List.<String>of(), List.of("--out"), List.of("--out", "r.json", "--trials", "0"),
                List.of("--out", "r.json", "--trials", "many"), List.of("--out", "r.json", "--bogus", "1"))) {
            assertThatThrownBy(() -> RunnerOptions.parse(args.toArray(String[]::new)))
                    .as("%s", args).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
