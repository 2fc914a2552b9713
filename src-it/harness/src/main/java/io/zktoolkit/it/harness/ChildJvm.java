package io.zktoolkit.it.harness;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java main class running in its own JVM, which a test can kill -9, pause and resume.
 *
 * <p>Standard output and error are merged and read continuously, so the child never blocks on a full
 * pipe; the most recent lines stay in memory for {@link #awaitLine} and failure messages. Children
 * still running when this JVM exits are killed.
 */
public final class ChildJvm implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final int RETAINED_LINES = 10_000;
    private static final int TAIL_LINES = 40;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final OutputLines output = new OutputLines(RETAINED_LINES);
    private final Thread drainer;
    private final Consumer<String> lineListener;
    private Writer input;
    private volatile boolean paused;

    private ChildJvm(String name, Process process, Writer log, Consumer<String> lineListener) {
        this.name = name;
        this.process = process;
        this.lineListener = lineListener;
        this.drainer = new Thread(() -> drain(log), "child-jvm-output-" + name);
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * Starts describing a child JVM that will run the given main class.
     *
     * @param mainClass fully qualified name of a class with a {@code main} method
     * @return a builder
     */
    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    /**
     * Returns the name used in log lines and failure messages.
     *
     * @return the child's name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the operating-system process id.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Tells whether the process has not exited. A paused process is alive.
     *
     * @return true until the process exits
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Tells whether the process is stopped by {@link #pause()} and not yet resumed.
     *
     * @return true while paused
     */
    public boolean isPaused() {
        return paused && process.isAlive();
    }

    /**
     * Returns the first output line that matches, looking at lines already printed first and then
     * waiting for new ones.
     *
     * @param matcher which line to look for
     * @param timeout how long to wait
     * @return the matching line
     * @throws AssertionError if no line matches in time or the process exits first; the message holds
     *     the recent output
     */
    public String awaitLine(Predicate<String> matcher, Duration timeout) {
        Optional<String> line;
        try {
            line = output.await(matcher, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for output of " + name, e);
        }
        if (line.isPresent()) {
            return line.get();
        }
        if (output.ended()) {
            throw new AssertionError(failureMessage("output ended before a matching line"));
        }
        String problem = "no matching line within " + timeout;
        throw new AssertionError(failureMessage(problem), new TimeoutException(problem));
    }

    /**
     * Returns the retained output lines, oldest first.
     *
     * @return an immutable snapshot
     */
    public List<String> lines() {
        return output.snapshot();
    }

    /**
     * Returns the last lines of output, formatted for a failure message.
     *
     * @return a header line followed by up to 40 output lines
     */
    public String recentOutput() {
        List<String> tail = output.tail(TAIL_LINES);
        return "--- last " + tail.size() + " lines of " + name + " (pid " + pid() + ", " + state() + ") ---\n"
                + String.join("\n", tail);
    }

    /**
     * Writes one line to the child's standard input and flushes it, for children that take commands.
     *
     * @param line the line, without its line break
     * @throws UncheckedIOException if the child no longer reads its input (it exited)
     */
    public synchronized void sendLine(String line) {
        try {
            if (input == null) {
                input = process.outputWriter(UTF_8);
            }
            input.write(line);
            input.write('\n');
            input.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the input of " + name + " (pid " + pid() + ", " + state() + ")", e);
        }
    }

    /** Closes the child's standard input, so that it reads end of file; quiet if it is already gone. */
    public synchronized void closeInput() {
        try {
            if (input != null) {
                input.close();
            } else {
                process.getOutputStream().close();
            }
        } catch (IOException e) {
            LOG.debug("Input of {} already closed: {}", name, e.toString());
        }
    }

    /**
     * Kills the process with SIGKILL, giving it no chance to clean up, and waits for it to exit.
     *
     * @return the exit code, 137 on Linux
     */
    public int kill9() {
        process.destroyForcibly();
        int exitCode = waitForExit(EXIT_TIMEOUT);
        LOG.info("Killed {} (pid {}) with SIGKILL, exit code {}", name, pid(), exitCode);
        return exitCode;
    }

    /**
     * Asks the process to stop with SIGTERM, as a scheduler or Ctrl-C would: its shutdown hooks run.
     *
     * @return the exit code, 143 on Linux unless a hook exits otherwise
     */
    public int terminate() {
        process.destroy();
        int exitCode = waitForExit(EXIT_TIMEOUT);
        LOG.info("Terminated {} (pid {}) with SIGTERM, exit code {}", name, pid(), exitCode);
        return exitCode;
    }

    /**
     * Stops the process with SIGSTOP. It keeps its sockets open but answers nothing, like a host that
     * hangs or a JVM in a long GC pause. Returns once the kernel reports the process stopped.
     */
    public void pause() {
        UnixSignals.stop(process);
        paused = true;
        LOG.info("Paused {} (pid {}) with SIGSTOP", name, pid());
    }

    /** Lets a paused process continue with SIGCONT. */
    public void resume() {
        UnixSignals.resume(process);
        paused = false;
        LOG.info("Resumed {} (pid {}) with SIGCONT", name, pid());
    }

    /**
     * Waits for the process to exit on its own.
     *
     * @param timeout how long to wait
     * @return the exit code
     * @throws AssertionError if the process is still running after the timeout
     */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError(failureMessage("did not exit within " + timeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    /** Kills the process if it is still running and waits until it and its output reader are gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            if (isPaused()) {
                try {
                    resume();
                } catch (RuntimeException e) {
                    // SIGKILL ends a stopped process too; resuming is only a courtesy.
                    LOG.warn("Cannot resume {} before killing it: {}", name, e.toString());
                }
            }
            process.destroyForcibly();
            waitForExit(EXIT_TIMEOUT);
        }
        try {
            // The reader ends at end of stream; joining it makes sure the log file is complete.
            drainer.join(EXIT_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(Writer log) {
        try (BufferedReader reader = process.inputReader(UTF_8); Writer closing = log) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                if (lineListener != null) {
                    try {
                        lineListener.accept(line);
                    } catch (RuntimeException e) {
                        LOG.warn("Line listener of {} failed on '{}': {}", name, line, e.toString());
                    }
                }
                LOG.debug("[{}] {}", name, line);
                if (closing != null) {
                    closing.write(line);
                    closing.write('\n');
                    // Flushed per line so the file is useful even if the test JVM dies abruptly.
                    closing.flush();
                }
            }
        } catch (IOException e) {
            // The pipe closes when the process dies; there is nothing left to read.
            LOG.debug("Output of {} ended: {}", name, e.toString());
        } finally {
            output.end();
        }
    }

    private String state() {
        if (process.isAlive()) {
            return isPaused() ? "paused" : "alive";
        }
        return "exited with " + process.exitValue();
    }

    private String failureMessage(String problem) {
        return name + ": " + problem + "\n" + recentOutput();
    }

    /** Describes a child JVM; {@link #start()} launches it. */
    public static final class Builder {

        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String classpath = System.getProperty("java.class.path");
        private Path workingDir;
        private String name;
        private Path logFile;
        private Consumer<String> lineListener;

        private Builder(String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        /**
         * Appends program arguments.
         *
         * @param values arguments passed to {@code main}
         * @return this builder
         */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /**
         * Appends a JVM option such as {@code -Xmx256m}.
         *
         * @param option the option, as on the java command line
         * @return this builder
         */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        /**
         * Sets a system property in the child.
         *
         * @param key property name
         * @param value property value
         * @return this builder
         */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets an environment variable in the child, on top of this JVM's environment.
         *
         * @param key variable name
         * @param value variable value
         * @return this builder
         */
        public Builder env(String key, String value) {
            env.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the child's class path; by default it is this JVM's.
         *
         * @param value a class path in the platform's format
         * @return this builder
         */
        public Builder classpath(String value) {
            classpath = Objects.requireNonNull(value, "classpath");
            return this;
        }

        /**
         * Sets the child's working directory; by default it is this JVM's.
         *
         * @param dir an existing directory
         * @return this builder
         */
        public Builder workingDir(Path dir) {
            workingDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Names the child in log lines and failure messages; by default the main class's simple name.
         *
         * @param value the name
         * @return this builder
         */
        public Builder name(String value) {
            name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Also appends the child's output to a file.
         *
         * @param file the log file, created if absent
         * @return this builder
         */
        public Builder logFile(Path file) {
            logFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Also hands each output line, as it is read, to {@code listener} (on the reader thread; it
         * should be quick), for callers that relay a child's progress live.
         *
         * @param listener told every line, in order
         * @return this builder
         */
        public Builder lineListener(Consumer<String> listener) {
            lineListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Launches the child JVM with the same {@code java} binary as this JVM.
         *
         * @return the running child
         * @throws UncheckedIOException if the process or its log file cannot be created
         */
        public ChildJvm start() {
            List<String> command = command();
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            Writer log = openLog();
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                closeQuietly(log, e);
                throw new UncheckedIOException("Cannot start " + name + ": " + command, e);
            }
            ChildReaper.track(process);
            LOG.info("Started {} (pid {}): {} {}", name, process.pid(), mainClass, String.join(" ", args));
            return new ChildJvm(name, process, log, lineListener);
        }

        private List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(args);
            return command;
        }

        private Writer openLog() {
            if (logFile == null) {
                return null;
            }
            try {
                return Files.newBufferedWriter(logFile, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open log file " + logFile, e);
            }
        }

        private static void closeQuietly(Writer log, IOException failure) {
            if (log == null) {
                return;
            }
            try {
                log.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
