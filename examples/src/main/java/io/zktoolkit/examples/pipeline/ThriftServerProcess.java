package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.examples.world.World;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real HiveServer2-protocol server in a child JVM: the Spark 3.5.4 Thrift Server
 * ({@link World#THRIFT_SERVER}), bound to {@value #HOST} with authentication NONE, its Derby
 * metastore, warehouse, temporary files and log ({@code thriftserver.log}) under one scratch folder.
 * It never registers itself in ZooKeeper; {@link #register} does it in Hive's own format, so the
 * stock driver finds it through its ZooKeeper URL.
 *
 * <pre>{@code
 * ThriftServerProcess.Starting starting = ThriftServerProcess.startAsync(scratch);  // 20-40 s on 2 cores
 * ...   // other work meanwhile
 * try (ThriftServerProcess server = starting.awaitReady(Duration.ofMinutes(3))) {
 *     HiveServerRegistrar registrar = server.register(zk, "hiveserver2");
 *     HiveQuery.run(registrar.stockJdbcUrl("default"), List.of("SELECT 1"), Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class ThriftServerProcess implements Closeable {
    /** The address the server binds and is registered with. */
    public static final String HOST = "127.0.0.1";
    /** How long {@link #start} waits: start plus the Derby schema creation, on a slow shared machine. */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** The Spark version of the Thrift Server, written into the registration's znode name as Hive writes its own. */
    public static final String VERSION = "spark-3.5.4";
    private static final String MAIN = "io.zktoolkit.it.hive.server.ThriftServerMain";

    private final ChildJvm child;
    private final int port;
    private final List<HiveServerRegistrar> registrars = new ArrayList<>();

    private ThriftServerProcess(ChildJvm child, int port) {
        this.child = child;
        this.port = port;
    }

    /** A server being started; {@link #awaitReady} waits for it. Closing it stops the server. */
    public static final class Starting implements Closeable {
        private final ThriftServerProcess server;

        private Starting(ThriftServerProcess server) {
            this.server = server;
        }

        /** The port it will listen on. */
        public int port() {
            return server.port;
        }

        /** Whether it printed {@code READY} already (never blocks). */
        public boolean isReady() {
            return server.child.lines().contains("READY " + server.port);
        }

        /**
         * Waits until it answered its first query.
         *
         * @throws IllegalStateException when it exits first or is not ready in time (it is then
         *         stopped); the message holds its last output lines
         */
        public ThriftServerProcess awaitReady(Duration timeout) {
            try {
                server.child.awaitLine(line -> line.equals("READY " + server.port), timeout);
                return server;
            } catch (AssertionError e) {
                server.close();
                throw new IllegalStateException("The Thrift Server on port " + server.port + " did not start within "
                        + timeout.toSeconds() + " s: " + e.getMessage());
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * Starts a server and returns at once, so that other work runs while it starts.
     *
     * @param scratch its folder (metastore, warehouse, tmp, log), created if absent
     * @throws io.zktoolkit.examples.world.WorldMissingException when the Thrift Server world is not built
     */
    public static Starting startAsync(Path scratch) {
        int port = FreePorts.next();
        Path dir = scratch.toAbsolutePath();
        Path tmp = dir.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the Thrift Server's scratch folder " + tmp, e);
        }
        ChildJvm child = World.THRIFT_SERVER.jvm(MAIN)
                .name("thriftserver-" + port)
                .jvmOption("-Xmx512m")
                .systemProperty("java.io.tmpdir", tmp.toString())
                // Spark resolves the host name otherwise, which fails or picks a wrong interface on many machines.
                .env("SPARK_LOCAL_IP", HOST)
                // Derby resolves its in-memory execution databases against the working directory.
                .workingDir(dir)
                .logFile(dir.resolve("thriftserver.log"))
                .args(Integer.toString(port), dir.resolve("spark").toString())
                .start();
        return new Starting(new ThriftServerProcess(child, port));
    }

    /** Starts a server and waits up to {@link #READY_TIMEOUT} until it answered its first query. */
    public static ThriftServerProcess start(Path scratch) {
        return startAsync(scratch).awaitReady(READY_TIMEOUT);
    }

    /** The port it listens on, at {@value #HOST}. */
    public int port() {
        return port;
    }

    /** A direct URL to it, bypassing ZooKeeper: {@code jdbc:hive2://127.0.0.1:<port>/<database>}. */
    public String directJdbcUrl(String database) {
        return "jdbc:hive2://" + HOST + ":" + port + "/" + database;
    }

    /**
     * Registers this server in HiveServer2's own ZooKeeper format under {@code namespace} (inside
     * {@code zk}'s Curator namespace), started: stock clients find it with
     * {@link HiveServerRegistrar#stockJdbcUrl}. The caller may close the registrar to deregister;
     * {@link #close()} closes it too, {@link #kill9()} does not (the registration then names a dead
     * server, as after a crashed HiveServer2 whose session has not expired yet).
     *
     * @throws IllegalStateException when the registration cannot be written
     */
    public synchronized HiveServerRegistrar register(ToolkitClient zk, String namespace) {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary(HOST, port))
                .namespace(namespace)
                .version(VERSION)
                .build();
        registrar.start();
        registrars.add(registrar);
        return registrar;
    }

    /** Whether its JVM is running. */
    public boolean isAlive() {
        return child.isAlive();
    }

    /** Its last output lines, for failure messages. */
    public String recentOutput() {
        return child.recentOutput();
    }

    /** Kills its JVM with SIGKILL, as a crash would; registrations stay. */
    public void kill9() {
        child.kill9();
    }

    /** Deregisters it (the registrars {@link #register} made) and stops its JVM. */
    @Override
    public synchronized void close() {
        for (HiveServerRegistrar registrar : registrars) {
            registrar.close();
        }
        registrars.clear();
        child.close();
    }
}
