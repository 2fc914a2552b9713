package io.zktoolkit.examples.pipeline;

import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * One Sqoop import worker of a work fleet, in a child JVM of the Sqoop world
 * ({@code io.zktoolkit.examples.world.sqoop.ImportWorkerMain}). It joins the fleet, imports the
 * tables its tasks name with checkpointed append imports, and reads its tuning from a live
 * configuration set ({@code import.mappers}, {@code import.fetch-size}, {@code source.max-mappers},
 * {@code import.delay}) as each task starts.
 *
 * <p>Its output lines: {@code CONFIG <version> mappers=<m> fetch-size=<f> cap=<c>}, {@code READY <member>},
 * {@code LEADER <member>}, {@code STARTED <task>}, {@code COMPLETED <task> <result>},
 * {@code REVOKED <task> <why>}, {@code FAILED <task> <reason>}, {@code STOPPED <member>}; the rest is log.
 */
public final class ImportWorkerProcess implements Closeable {
    static final String MAIN = "io.zktoolkit.examples.world.sqoop.ImportWorkerMain";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final String memberId;
    private final ChildJvm child;

    private ImportWorkerProcess(String memberId, ChildJvm child) {
        this.memberId = memberId;
        this.child = child;
    }

    /**
     * Starts a worker and waits until it has joined the fleet ({@code READY}).
     *
     * @param workerProperties the toolkit's {@code zk.*} settings (an ensemble every worker reaches, not
     *     {@code embedded}) plus {@code pipeline.jdbc-url} and {@code pipeline.password-file}
     * @param memberId this worker's id in the fleet
     * @param fleet the fleet's name
     * @param configSet the live configuration set with the workers' tuning
     * @param targetRoot each table lands in {@code targetRoot/<table>}
     * @param workDir the worker's own folder for Sqoop's generated code and Hadoop's temporary files
     * @param logFile receives everything the worker prints
     * @throws IllegalStateException when it exits or stays silent instead, with its last output
     */
    public static ImportWorkerProcess start(Path workerProperties, String memberId, String fleet, String configSet,
            Path targetRoot, Path workDir, Path logFile) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the worker's folder " + workDir, e);
        }
        ChildJvm child = World.SQOOP.jvm(MAIN).name("worker-" + memberId)
                // Hadoop's local job runner links its job jars into the working directory.
                .workingDir(workDir)
                .jvmOption("-Xmx512m")
                // The C1 compiler alone starts Sqoop's code generation and Hadoop noticeably faster.
                .jvmOption("-XX:TieredStopAtLevel=1")
                .logFile(logFile)
                .args(workerProperties.toAbsolutePath().toString(), memberId, fleet, configSet,
                        targetRoot.toAbsolutePath().toString(), workDir.toAbsolutePath().toString())
                .start();
        ImportWorkerProcess worker = new ImportWorkerProcess(memberId, child);
        try {
            String line = worker.awaitLine(l -> l.equals("READY " + memberId) || l.startsWith("INVALID ")
                    || l.startsWith("UNREACHABLE ") || l.startsWith("ERROR "), READY_TIMEOUT);
            if (!line.startsWith("READY ")) {
                throw new IllegalStateException("Worker " + memberId + " did not start: " + line);
            }
            return worker;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The worker's id in the fleet. */
    public String memberId() {
        return memberId;
    }

    /** The worker JVM's process id. */
    public long pid() {
        return child.pid();
    }

    /** Whether the worker JVM still runs. */
    public boolean isAlive() {
        return child.isAlive();
    }

    /** Kills the worker JVM with SIGKILL, as a crash would: no clean-up, its session expires later. */
    public void kill9() {
        child.kill9();
    }

    /** Everything the worker printed so far (its protocol lines and its log), oldest first. */
    public List<String> lines() {
        return child.lines();
    }

    /**
     * The first line, printed or to come, that {@code matcher} accepts.
     *
     * @throws IllegalStateException when none does within {@code timeout} or the worker exits first,
     *     with its last output
     */
    public String awaitLine(Predicate<String> matcher, Duration timeout) {
        try {
            return child.awaitLine(matcher, timeout);
        } catch (AssertionError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Leaves the fleet cleanly (STOP on stdin), or kills the JVM when it does not stop in time. */
    @Override
    public void close() {
        if (child.isAlive()) {
            try {
                child.sendLine("STOP");
                child.waitForExit(STOP_TIMEOUT);
            } catch (RuntimeException | AssertionError e) {
                // Killed below; its session then expires on the ensemble's clock.
            }
        }
        child.close();
    }

    @Override
    public String toString() {
        return "ImportWorkerProcess[" + memberId + ", pid " + pid() + (isAlive() ? "" : ", exited") + "]";
    }
}
