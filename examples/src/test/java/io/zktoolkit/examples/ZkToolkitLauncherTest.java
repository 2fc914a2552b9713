package io.zktoolkit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher as a user would and checks what it prints and its exit code. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZkToolkitLauncherTest {
    @TempDir
    Path dir;



    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        LauncherRun r = LauncherRun.of("--help");
        assertThat(r.code()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("status", "demo", "Exit codes:", "3   the settings file is missing or invalid");
        assertThat(LauncherRun.of("status", "--help").out()).contains("--config=FILE");
        assertThat(LauncherRun.of("quorum-demo", "--help").out()).contains("--duration=TIME", "--stop-at=TIME");
    }

    @Test
    void noCommandOrAnUnknownOptionIsAUsageError() {
        LauncherRun none = LauncherRun.of();
        assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("a command is required");
        LauncherRun unknown = LauncherRun.of("status", "--bogus");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--bogus'");
    }

    @Test
    void statusShowsTheEmbeddedServerSessionAndMaskedSettings() throws Exception {
        Path f = file("s.properties", "zk.namespace=team\nzk.auth.digest=alice:hunter2\n");
        LauncherRun r = LauncherRun.of("status", "--config", f.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .contains("(embedded, 1 server)")
                .contains("standalone")
                .contains("namespace /team")
                .contains("from " + f)
                .contains("zk.auth.digest")
                .contains("******")
                .doesNotContain("hunter2");
    }

    @Test
    void missingSettingsFileExitsThreeNamingIt() {
        Path missing = dir.resolve("nope.properties");
        LauncherRun r = LauncherRun.of("status", "--config", missing.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains("error: Invalid settings in " + missing, "does not exist")
                .doesNotContain("\tat ");
    }

    @Test
    void invalidSettingsExitThreeWithTheKeyAndNoStackTraceUnlessVerbose() throws Exception {
        Path f = file("bad.properties", "zk.sesion.timeout=30s\n");
        LauncherRun r = LauncherRun.of("status", "--config", f.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains("zk.sesion.timeout: unknown key; did you mean zk.session.timeout?")
                .doesNotContain("\tat ");
        LauncherRun verbose = LauncherRun.of("status", "--verbose", "--config", f.toString());
        assertThat(verbose.err()).contains("\tat io.zktoolkit");
    }

    @Test
    void unreachableEnsembleExitsFourNamingTheConnectString() throws Exception {
        Path f = file("far.properties", "zk.connect=127.0.0.1:1\nzk.connection.timeout=1s\n");
        LauncherRun r = LauncherRun.of("status", "--config", f.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.ZOOKEEPER_UNAVAILABLE);
        assertThat(r.err()).contains("Could not connect to ZooKeeper at 127.0.0.1:1 within 1000 ms");
    }

    @Test
    void demoSurvivesTheLeaderStopWithEveryWriteOnce() {
        LauncherRun r = LauncherRun.of("quorum-demo", "--duration", "8s", "--stop-at", "1s", "--restart-at", "6s");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out())
                .contains("Embedded quorum up at")
                .containsPattern("stopped leader server-\\d")
                .containsPattern("restarted server-\\d")
                .contains("every write exactly once")
                .containsPattern("While leader down: +[1-9]\\d* writes landed")
                .containsPattern("Leader: +server-\\d stopped, server-\\d leads now");
    }

    @Test
    void demoRejectsASchedulePastItsDurationAndASingleServer() throws Exception {
        LauncherRun schedule = LauncherRun.of("quorum-demo", "--duration", "3s", "--stop-at", "4s", "--restart-at", "5s");
        assertThat(schedule.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(schedule.err()).contains("expected --stop-at < --restart-at < --duration");
        LauncherRun badTime = LauncherRun.of("quorum-demo", "--duration", "soon");
        assertThat(badTime.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTime.err()).contains("'soon'", "expected a whole number with a unit");
        Path single = file("single.properties", "zk.embedded.servers=1\n");
        LauncherRun r = LauncherRun.of("quorum-demo", "--config", single.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.BAD_SETTINGS);
        assertThat(r.err()).contains("zk.embedded.servers", "needs zk.connect=embedded and zk.embedded.servers=3 or 5");
    }
}
