package io.zktoolkit.benchmarks;

import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Time to an open JDBC session with a real HiveServer2-protocol server found through ZooKeeper:
 * {@link HiveServerResolver#connect} against the stock hive-jdbc 4.0.1 driver given its own
 * discovery URL, the same server, the same registrations, in the same run. Closing the connection
 * is not timed.
 *
 * <p>The stock driver opens and closes a ZooKeeper session for every connect, lists the namespace,
 * reads a random child, then opens the Thrift transport and the Hive session; after a failed pick it
 * sleeps {@code retryInterval} (1 s) and picks again. The resolver picks from its cached view on the
 * job's one session, and passes a server that just failed over until its quarantine ends.
 */
public final class HiveConnectCase extends SampledCase {
    private final String name;
    private final String namespace;
    private HiveServerResolver resolver;
    private String stockUrl;

    private HiveConnectCase(String name, String namespace, int warmups, int trials) {
        super("ms", Direction.LOWER_IS_BETTER, warmups, trials);
        this.name = name;
        this.namespace = namespace;
    }

    /** One server registered. */
    public static HiveConnectCase oneServer() {
        return new HiveConnectCase("HiveServer2 connect through ZooKeeper, one server registered", HiveBenchWorld.LIVE, 2, 10);
    }

    /** The server and a dead one registered, as after a crash before the dead one's session expired. */
    public static HiveConnectCase oneOfTwoDead() {
        return new HiveConnectCase("HiveServer2 connect through ZooKeeper, one of two registered servers dead",
                HiveBenchWorld.HALF_DEAD, 2, 10);
    }

    @Override
    public String name() {
        return name;
    }





    @Override
    public void setUp() throws Exception {
        HiveBenchWorld world = HiveBenchWorld.shared();
        resolver = world.resolver(namespace);
        stockUrl = world.stockUrl(namespace);
    }

    @Override
    public void tearDown() {
        if (resolver != null) {
            resolver.close();
        }
    }

    @Override
    public Side toolkit() {
        return new Side("HiveServerResolver.connect(\"default\", user/password) on the job's ZooKeeper session "
                + "(least recently failed, 30 s quarantine); close not timed", () -> timed(() -> resolver.connect(
                        HiveBenchWorld.DATABASE, HiveBenchWorld.credentials())));
    }

    @Override
    public Side baseline() {
        return new Side("stock hive-jdbc 4.0.1: DriverManager.getConnection(\"jdbc:hive2://<zk>/default;"
                + "serviceDiscoveryMode=zooKeeper;zooKeeperNamespace=" + namespace + "\", user/password); close not timed",
                () -> timed(() -> DriverManager.getConnection(stockUrl, HiveBenchWorld.credentials())));
    }

    @FunctionalInterface
    private interface Connect {
        Connection open() throws SQLException;
    }

    private static double timed(Connect connect) throws SQLException {
        long start = System.nanoTime();
        Connection connection = connect.open();
        double ms = (System.nanoTime() - start) / 1_000_000.0;
        connection.close();
        return ms;
    }
}
