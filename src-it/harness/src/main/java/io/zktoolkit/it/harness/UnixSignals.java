package io.zktoolkit.it.harness;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops and continues a process with SIGSTOP and SIGCONT, which {@link Process} and
 * {@link ProcessHandle} have no API for.
 *
 * <p>Both return only once the kernel reports the new run state, because kill(1) merely queues the
 * signal: a test that checks for silence straight after a pause must not see the last moments of
 * activity.
 */
final class UnixSignals {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(5);

    private UnixSignals() {
    }

    /** Sends SIGSTOP and waits until the process is stopped. */
    static void stop(Process process) {
        stop(process.toHandle());
    }

    /** Sends SIGSTOP and waits until the process is stopped. */
    static void stop(ProcessHandle process) {
        send(process, "STOP");
        awaitRunState(process, true);
    }

    /** Sends SIGCONT and waits until the process runs again. */
    static void resume(Process process) {
        resume(process.toHandle());
    }

    /** Sends SIGCONT and waits until the process runs again. */
    static void resume(ProcessHandle process) {
        send(process, "CONT");
        awaitRunState(process, false);
    }

    private static void send(ProcessHandle process, String signal) {
        String command = "kill -" + signal + " " + process.pid();
        if (!process.isAlive()) {
            throw new IllegalStateException("Process " + process.pid() + " is not running, cannot " + command);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            String reply = new String(kill.getInputStream().readAllBytes(), UTF_8).trim();
            if (!kill.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + TIMEOUT);
            }
            if (kill.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + kill.exitValue() + ": " + reply);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running " + command, e);
        }
    }

    private static void awaitRunState(ProcessHandle process, boolean stopped) {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() - deadline < 0) {
            Optional<Character> state = runState(stat);
            if (state.isEmpty()) {
                return; // no procfs (not Linux): the delivered signal is all there is to go on
            }
            if (isStopped(state.get()) == stopped) {
                return;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for process " + process.pid(), e);
            }
        }
        if (process.isAlive()) {
            throw new IllegalStateException(
                    "Process " + process.pid() + " did not " + (stopped ? "stop" : "continue") + " within " + TIMEOUT);
        }
    }

    private static Optional<Character> runState(Path stat) {
        try {
            String text = Files.readString(stat);
            // The command name in parentheses may hold spaces and parentheses; the state follows the last ')'.
            int end = text.lastIndexOf(')');
            return end < 0 || end + 2 >= text.length() ? Optional.empty() : Optional.of(text.charAt(end + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isStopped(char state) {
        return state == 'T' || state == 't';
    }
}
