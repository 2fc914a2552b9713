package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.examples.pipeline.SparkDeployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that reads ZooKeeper, run as a user runs it with a bad argument, a missing or an
 * invalid settings file, or an ensemble that is not there: each answers with its documented exit
 * code and one line naming what is at fault, before doing any work and without a stack trace.
 */
class EveryCommandRefusesBadInputTest {
    @TempDir
    Path dir;

    /** Each command with the arguments it needs besides {@code --config}. */
    static Stream<List<String>> commands() {
        return Stream.of(List.of("status"), List.of("locks"), List.of("audit"), List.of("services"), List.of("jobs"), List.of("fleet"),
                List.of("config", "get", "pipeline"), List.of("config", "history", "pipeline"),
                List.of("config", "watch", "pipeline", "--for", "1s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void anUnknownOptionIsAUsageError(List<String> command) {
        LauncherRun r = run(command, "--bogus");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Unknown option: '--bogus'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aMissingSettingsFileIsNamed(List<String> command) {
        Path missing = dir.resolve("nope.properties");
        LauncherRun r = run(command, "--config", missing.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains(missing.toString(), "does not exist").doesNotContain("\tat ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void anInvalidSettingsFileNamesTheKeyAndWhatIsValid(List<String> command) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.properties"), "zk.connect=embedded\nzk.session.timeout=soon\n");
        LauncherRun r = run(command, "--config", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains(bad.toString(), "zk.session.timeout", "soon").doesNotContain("\tat ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void anUnreachableEnsembleIsNamed(List<String> command) throws Exception {
        Path far = Files.writeString(dir.resolve("far.properties"), "zk.connect=127.0.0.1:1\nzk.connection.timeout=500ms\n");
        LauncherRun r = run(command, "--config", far.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.ZOOKEEPER_UNAVAILABLE);
        assertThat(r.err()).contains("127.0.0.1:1").doesNotContain("\tat ");
    }

    /** Each command that runs Spark, with a settings file it would accept. */
    static Stream<String> sparkCommands() {
        return Stream.of("spark-job", "demo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sparkCommands")
    void aMalformedSparkMasterOptionIsAUsageErrorSayingWhatIsValid(String command) throws Exception {
        Path file = sparkSettings(command, "");
        for (String bad : List.of("spark://master", "sprak://m:7077", "local[0]", "mesos://m:5050")) {
            LauncherRun r = run(List.of(command), "--config", file.toString(), "--spark-master", bad);
            assertThat(r.code()).as(bad + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--spark-master", "'" + bad + "'", SparkDeployment.VALID_MASTERS)
                    .doesNotContain("\tat ");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sparkCommands")
    void aMalformedSparkMasterKeyNamesTheFileAndKey(String command) throws Exception {
        Path file = sparkSettings(command, "spark.master=spark://master:77777\n");
        LauncherRun r = run(List.of(command), "--config", file.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains(file.toString(), "spark.master", "'spark://master:77777'", "port 1-65535",
                SparkDeployment.VALID_MASTERS).doesNotContain("\tat ");
        assertThat(r.out()).as("nothing started").doesNotContain("Work folder", "board job");
    }

    /** A file {@code command} accepts but for {@code extra}: nothing needs to listen on its zk.connect. */
    private Path sparkSettings(String command, String extra) throws Exception {
        String base = command.equals("demo") ? "zk.connect=embedded\nzk.embedded.servers=3\n"
                : "zk.connect=127.0.0.1:1\njob.name=totals\njob.input=in\njob.output=out\n";
        return Files.writeString(dir.resolve(command + "-" + System.nanoTime() + ".properties"), base + extra);
    }

    private static LauncherRun run(List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of(more));
        return LauncherRun.of(args.toArray(String[]::new));
    }
}
