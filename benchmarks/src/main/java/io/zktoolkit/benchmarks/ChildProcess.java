package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ParentWatch;
import java.time.Duration;

/** What the child-JVM mains of the kill -9 cases share: a session of their own, a line saying they are ready, and waiting to be killed. */
final class ChildProcess {
    private ChildProcess() {
    }

    /** Exits with the benchmark JVM if that goes first, and connects with a session of {@code sessionMillis}. */
    static ToolkitClient connect(String connectString, String sessionMillis) {
        ParentWatch.haltWhenParentExits();
        return ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(sessionMillis)))
                .build());
    }

    /** Prints {@code line} for the case to wait on. */
    static void announce(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Waits to be killed. */
    static void awaitKill() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }
}
