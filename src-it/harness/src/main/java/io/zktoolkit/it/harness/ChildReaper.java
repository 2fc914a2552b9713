package io.zktoolkit.it.harness;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every child process still running when this JVM exits.
 *
 * <p>A test that crashes, times out or forgets {@code close()} would otherwise leave servers running
 * on the build machine, holding ports and memory. One hook serves every child, rather than one hook
 * per child, because hooks cannot be cheaply removed as children come and go.
 */
final class ChildReaper {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildReaper::reapAll, "child-jvm-reaper"));
    }

    private ChildReaper() {
    }

    /** Tracks a child until it exits. */
    static void track(Process process) {
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
    }

    private static void reapAll() {
        // SIGKILL also ends a child stopped with SIGSTOP, so paused children need no special case.
        RUNNING.forEach(Process::destroyForcibly);
    }
}
