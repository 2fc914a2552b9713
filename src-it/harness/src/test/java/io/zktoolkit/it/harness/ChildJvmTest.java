package io.zktoolkit.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChildJvmTest {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static ChildJvm.Builder ticker() {
        return ChildJvm.builder(TickingMain.class.getName()).name("ticker").jvmOption("-Xmx32m");
    }

    @Test
    void pausesResumesAndKillsTheChild() throws Exception {
        Path log = dir.resolve("ticker.log");
        try (ChildJvm child = ticker().logFile(log).start()) {
            assertThat(child.awaitLine("tick 3"::equals, PATIENCE)).isEqualTo("tick 3");

            child.pause();
            assertThat(child.isPaused()).isTrue();
            assertThat(child.isAlive()).isTrue();
            int linesWhenPaused = child.lines().size();
            Thread.sleep(1_000);
            assertThat(child.lines()).hasSize(linesWhenPaused);

            child.resume();
            assertThat(child.isPaused()).isFalse();
            String nextTick = "tick " + (lastTick(child.lines()) + 1);
            assertThat(child.awaitLine(nextTick::equals, PATIENCE)).isEqualTo(nextTick);

            long pid = child.pid();
            int exitCode = child.kill9();
            assertThat(exitCode).isEqualTo(137);
            assertThat(child.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        }
        assertThat(Files.readAllLines(log)).contains("tick 1", "tick 3");
    }

    @Test
    void failedWaitReportsRecentOutput() {
        try (ChildJvm child = ticker().start()) {
            child.awaitLine("tick 2"::equals, PATIENCE);

            assertThatThrownBy(() -> child.awaitLine("never printed"::equals, Duration.ofMillis(500)))
                    .isInstanceOf(AssertionError.class)
                    .hasCauseInstanceOf(TimeoutException.class)
                    .hasMessageContaining("ticker")
                    .hasMessageContaining("no matching line within PT0.5S")
                    .hasMessageContaining("tick 2");
        }
    }

    @Test
    void waitEndsAsSoonAsTheChildExits() {
        try (ChildJvm child = ChildJvm.builder("io.zktoolkit.it.harness.NoSuchMain").start()) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> child.awaitLine("never printed"::equals, PATIENCE))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("output ended")
                    .hasMessageContaining("NoSuchMain");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
            assertThat(child.waitForExit(PATIENCE)).isNotZero();
        }
    }

    @Test
    void closeKillsAPausedChild() {
        ChildJvm child = ticker().start();
        long pid = child.pid();
        child.awaitLine("tick 1"::equals, PATIENCE);
        child.pause();

        child.close();

        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    private static int lastTick(List<String> lines) {
        return lines.stream()
                .filter(line -> line.startsWith("tick "))
                .mapToInt(line -> Integer.parseInt(line.substring("tick ".length())))
                .max()
                .orElseThrow();
    }
}
