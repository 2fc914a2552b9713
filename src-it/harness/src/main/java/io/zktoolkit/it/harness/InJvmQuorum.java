package io.zktoolkit.it.harness;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.util.ServiceUtils;
import org.apache.curator.test.TestingZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper quorum running inside this JVM, backed by Curator's {@link TestingCluster}.
 *
 * <p>Cheap to start and good for client behaviour under a server crash. For faults that need a real
 * process boundary (kill -9, SIGSTOP) use {@link ProcessEnsemble}.
 */
public final class InJvmQuorum implements Closeable {

    /** Servers in a quorum when the caller does not say. */
    public static final int DEFAULT_SERVERS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(InJvmQuorum.class);
    private static final int MAX_START_ATTEMPTS = 5;

    private final TestingCluster cluster;
    /** Fixed at start so that an index names the same server for the life of the quorum. */
    private final List<InstanceSpec> instances;

    private InJvmQuorum(TestingCluster cluster) {
        this.cluster = cluster;
        this.instances = cluster.getServers().stream().map(TestingZooKeeperServer::getInstanceSpec).toList();
    }

    /**
     * Starts a quorum of {@value #DEFAULT_SERVERS} servers.
     *
     * @return the started quorum
     */
    public static InJvmQuorum start() {
        return start(DEFAULT_SERVERS);
    }

    /**
     * Starts a quorum of the given size, retrying when a port picked for it was already taken.
     *
     * @param servers number of servers, at least 1
     * @return the started quorum
     * @throws IllegalStateException if the quorum cannot be started
     */
    public static InJvmQuorum start(int servers) {
        // A quorum peer that cannot bind its election port asks ZooKeeper to exit the JVM, which
        // here is the test JVM: Surefire then reports a crashed fork instead of a failed start.
        ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
        // A client connection can take a quorum port as its ephemeral local port between the probe
        // and the bind; ZooKeeper gives up on an election port after 3 tries a second apart, and
        // that server then never votes again. Wait out such a client instead.
        if (System.getProperty("zookeeper.electionPortBindRetry") == null) {
            System.setProperty("zookeeper.electionPortBindRetry", "30");
        }
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1, was " + servers);
        }
        Exception lastRace = null;
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            TestingCluster cluster = null;
            try {
                cluster = new TestingCluster(specsBelowEphemeralRange(servers));
                cluster.start();
                return new InJvmQuorum(cluster);
            } catch (Exception e) {
                closeAfterFailure(cluster, e);
                if (!isPortRace(e)) {
                    throw new IllegalStateException("Cannot start an in-JVM quorum of " + servers, e);
                }
                LOG.warn("In-JVM quorum start attempt {} lost a port race, retrying: {}", attempt, e.toString());
                lastRace = e;
            }
        }
        throw new IllegalStateException(
                "In-JVM quorum lost the port race " + MAX_START_ATTEMPTS + " times in a row", lastRace);
    }

    /**
     * Server specs on ports below the ephemeral range. curator-test runs each server with
     * ZooKeeper's default exit handler: one that cannot bind its port exits the test JVM with code 2
     * (a crashed Surefire fork, seen in CI), before {@link #start(int)} could retry. Curator's own
     * picks come from the ephemeral range, where any outgoing connection of a parallel build can take
     * a port between the pick and the bind.
     */
    private static List<InstanceSpec> specsBelowEphemeralRange(int servers) {
        List<InstanceSpec> specs = new java.util.ArrayList<>();
        for (int i = 0; i < servers; i++) {
            specs.add(new InstanceSpec(null, FreePorts.nextBelowEphemeralRange(), FreePorts.nextBelowEphemeralRange(),
                    FreePorts.nextBelowEphemeralRange(), true, -1, -1, -1));
        }
        return specs;
    }

    /**
     * Tells whether a start failure is the port race rather than a real fault.
     *
     * <p>Curator picks each port independently, so two roles can draw the same port (CURATOR-708), or
     * another process can take a port between the pick and the bind.
     */
    static boolean isPortRace(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            String message = Objects.toString(t.getMessage(), "");
            if (t instanceof BindException
                    || message.contains("Client and election port must be different")
                    || message.contains("Address already in use")
                    // Two servers drew the same client port: TestingCluster's map of specs refuses the duplicate.
                    || message.startsWith("Multiple entries with same key: InstanceSpec")) {
                return true;
            }
        }
        return false;
    }

    private static void closeAfterFailure(TestingCluster cluster, Exception failure) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Returns the connect string naming every server, including killed ones.
     *
     * @return "host:port,host:port,..."
     */
    public String connectString() {
        return cluster.getConnectString();
    }

    /**
     * Returns a connect string naming one server only.
     *
     * @param index server index, 0-based
     * @return "host:port"
     */
    public String connectString(int index) {
        InstanceSpec spec = instance(index);
        return spec.getHostname() + ":" + spec.getPort();
    }

    /**
     * Returns the underlying cluster, for what this class does not wrap.
     *
     * @return the Curator testing cluster
     */
    public TestingCluster cluster() {
        return cluster;
    }

    /**
     * Returns the number of servers, running or not.
     *
     * @return the quorum size
     */
    public int size() {
        return instances.size();
    }

    /**
     * Stops one server abruptly, as if its host had crashed.
     *
     * @param index server index, 0-based
     */
    public void kill(int index) {
        act(index, "kill", cluster::killServer);
    }

    /**
     * Starts a killed server again on its old ports and data directory.
     *
     * @param index server index, 0-based
     */
    public void restart(int index) {
        act(index, "restart", cluster::restartServer);
    }

    private void act(int index, String verb, ServerAction action) {
        // Something in this JVM may have reset it since start (an embedded server built with ZooKeeper's default exit handler does).
        ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
        InstanceSpec spec = instance(index);
        boolean found;
        try {
            found = action.run(spec);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot " + verb + " server " + index + " (" + spec + ")", e);
        }
        if (!found) {
            throw new IllegalStateException("The cluster does not know server " + index + " (" + spec + ")");
        }
    }

    private InstanceSpec instance(int index) {
        Objects.checkIndex(index, instances.size());
        return instances.get(index);
    }

    /** Stops every server and deletes their data directories. */
    @Override
    public void close() throws IOException {
        cluster.close();
    }

    @FunctionalInterface
    private interface ServerAction {
        boolean run(InstanceSpec spec) throws Exception;
    }
}
