package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.hive.HiveServerEndpoint;
import io.zktoolkit.discovery.hive.HiveServerRegistrar;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.it.hive.ThriftServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What the Hive cases share: one real HiveServer2-protocol server (the Spark 3.5.4 Thrift Server
 * in a child JVM, about 20 s and 550 MB to start, so started once, on first use, and stopped when
 * this JVM exits), an embedded ZooKeeper, and two registrations made with {@link HiveServerRegistrar}
 * at the ensemble's root: {@value #LIVE} holding the server alone, {@value #HALF_DEAD} holding it and
 * a port nobody listens on.
 *
 * <p>At exit only the server and the scratch folder are cleaned up. The registrations and the
 * ZooKeeper client are left to die with the embedded server, which the client's own shutdown hook
 * stops at the same time: closing them from a hook would retry against a server already gone,
 * for minutes.
 */
final class HiveBenchWorld {
    /** Namespace with the live server alone. */
    static final String LIVE = "bench-hiveserver2";
    /** Namespace with the live server and a dead one. */
    static final String HALF_DEAD = "bench-hiveserver2-half-dead";
    static final String DATABASE = "default";

    private static HiveBenchWorld shared;

    private final Path scratch;
    private final ThriftServer server;
    private final ToolkitClient zk;
    private final List<HiveServerRegistrar> registrars = new ArrayList<>();

    private HiveBenchWorld(Path scratch, ThriftServer server, ToolkitClient zk) {
        this.scratch = scratch;
        this.server = server;
        this.zk = zk;
    }

    /** The world, started by the first caller. */
    static synchronized HiveBenchWorld shared() throws IOException {
        if (shared == null) {
            Path scratch = Files.createTempDirectory("zktoolkit-bench-hive");
            ThriftServer server = ThriftServer.start(scratch.resolve("thriftserver"));
            ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder().set(ToolkitKeys.NAMESPACE, "").build());
            HiveBenchWorld world = new HiveBenchWorld(scratch, server, zk);
            world.register(LIVE, server.port());
            world.register(HALF_DEAD, server.port());
            world.register(HALF_DEAD, FreePorts.next());
            Runtime.getRuntime().addShutdownHook(new Thread(world::stopServer, "zktoolkit-bench-hive-stop"));
            shared = world;
        }
        return shared;
    }

    /** The stock driver's discovery URL for a namespace, as the registrar gives it to stock clients. */
    String stockUrl(String namespace) {
        return registrars.stream().filter(r -> r.stockJdbcUrl(DATABASE).endsWith("zooKeeperNamespace=" + namespace))
                .findFirst().orElseThrow().stockJdbcUrl(DATABASE);
    }

    /** A started resolver for a namespace, on the world's one ZooKeeper session; the caller closes it. */
    HiveServerResolver resolver(String namespace) {
        HiveServerResolver resolver = HiveServerResolver.builder(zk).namespace(namespace).build();
        resolver.start();
        return resolver;
    }

    /** The connection properties both sides use. */
    static Properties credentials() {
        Properties info = new Properties();
        info.setProperty("user", "bench");
        info.setProperty("password", "");
        return info;
    }

    private void register(String namespace, int port) {
        HiveServerRegistrar registrar = HiveServerRegistrar.builder(zk, HiveServerEndpoint.binary("127.0.0.1", port))
                .namespace(namespace).build();
        registrar.start();
        registrars.add(registrar);
    }

    private void stopServer() {
        server.close();
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
