package io.zktoolkit.it.hive;

import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.it.harness.SparkModuleOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real HiveServer2-protocol server: the Spark 3.5.4 Thrift Server of src-it/hive-thriftserver,
 * in a child JVM with that module's class path (it cannot share this JVM: Curator 2.13,
 * ZooKeeper 3.6, Hive 2.3, Scala 2.12), bound to 127.0.0.1 with authentication NONE.
 *
 * <p>Public, and packaged alone in this module's test jar, for the Hive cases of the benchmarks
 * module. Every caller passes the server module's jar and class-path file as the system properties
 * {@code zktoolkit.hive.thriftserver.jar} and {@code zktoolkit.hive.thriftserver.classpath}.
 */
public final class ThriftServer implements AutoCloseable {
    private static final String MAIN = "io.zktoolkit.it.hive.server.ThriftServerMain";
    /** Start (2-5 s) plus the Derby schema creation on the first query (11-16 s), with room for a slow machine. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final ChildJvm child;
    private final int port;
    private final Path directory;

    private ThriftServer(ChildJvm child, int port, Path directory) {
        this.child = child;
        this.port = port;
        this.directory = directory;
    }

    /**
     * Starts a server whose metastore, warehouse, temporary files and log live under {@code scratch},
     * and returns once it has answered its first query.
     */
    public static ThriftServer start(Path scratch) {
        int port = FreePorts.next();
        Path dir = scratch.toAbsolutePath();
        Path tmp = dir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm.Builder builder = ChildJvm.builder(MAIN)
                .name("thriftserver-" + port)
                .classpath(classpath())
                .jvmOption("-Xmx512m")
                .systemProperty("java.io.tmpdir", tmp.toString())
                .env("SPARK_LOCAL_IP", "127.0.0.1")
                .workingDir(dir)
                .logFile(dir.resolve("thriftserver.log"))
                .args(Integer.toString(port), dir.resolve("spark").toString());
        SparkModuleOptions.ALL.forEach(builder::jvmOption);
        ChildJvm child = builder.start();
        try {
            child.awaitLine(line -> line.equals("READY " + port), READY_TIMEOUT);
        } catch (RuntimeException | Error e) {
            child.close();
            throw e;
        }
        return new ThriftServer(child, port, dir);
    }

    public int port() {
        return port;
    }

    /**
     * The server's warehouse folder, which tells servers apart from inside a session: it is what
     * {@code SET spark.sql.warehouse.dir} shows (as a {@code file:} URI) and the prefix of every table's location.
     */
    public Path warehouse() {
        return directory.resolve("spark").resolve("warehouse");
    }

    /** Whether the server's JVM is still running (false once killed). */
    public boolean isAlive() {
        return child.isAlive();
    }

    /** A direct URL ({@code jdbc:hive2://127.0.0.1:port/db}), no session parameters. */
    public String jdbcUrl(String database) {
        return "jdbc:hive2://127.0.0.1:" + port + "/" + database;
    }

    /** Kills the server's JVM with SIGKILL, as a crash would: no session is closed, no socket shut down cleanly. */
    public void kill9() {
        child.kill9();
    }

    /** Waits for an output line of the server (its own INFO lines, for example {@code Submitting query '...'}). */
    public String awaitOutput(java.util.function.Predicate<String> matcher, Duration timeout) {
        return child.awaitLine(matcher, timeout);
    }

    /** The server's recent output, for failure messages. */
    public String recentOutput() {
        return child.recentOutput();
    }

    @Override
    public void close() {
        child.close();
    }

    private static String classpath() {
        Path jar = Path.of(required("zktoolkit.hive.thriftserver.jar"));
        Path file = Path.of(required("zktoolkit.hive.thriftserver.classpath"));
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(file)) {
            throw new IllegalStateException("Build src-it/hive-thriftserver first (mvn -B -pl src-it/hive-thriftserver,"
                    + "src-it/hive-it verify): missing " + (Files.isRegularFile(jar) ? file : jar));
        }
        try {
            return jar + java.io.File.pathSeparator + Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + property + " is not set (Failsafe sets it in pom.xml)");
        }
        return value;
    }
}
