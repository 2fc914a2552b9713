package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedStartException;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Time from nothing running to a connected client, toolkit against the curator-test way. Each trial
 * starts fresh servers and a fresh client, stops the clock once the client is connected, then
 * closes everything outside the timing. A failure to start the servers (on either side) is retried
 * as transient, because both sides pick free ports and then bind them later, which can race; a
 * client that starts servers but cannot connect fails the case.
 *
 * <p>Subclasses say how many servers and how the baseline starts them.
 */
public abstract class ConnectToReadyCase extends SampledCase {
    /** Far beyond a healthy start's second or so: hitting it means the client will not connect. */
    private static final int CONNECT_WAIT_SECONDS = 60;

    private final String name;
    private final int servers;

    /**
     * @param name the case's name
     * @param servers embedded servers on both sides: 1 for standalone, 3 or 5 for a quorum
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    protected ConnectToReadyCase(String name, int servers, int warmups, int trials) {
        super("ms", Direction.LOWER_IS_BETTER, warmups, trials);
        this.name = name;
        this.servers = servers;
    }

    /** Starts the baseline's servers as users do without the toolkit; closing the result stops them. */
    protected abstract BaselineServers startBaselineServers() throws Exception;

    /** The calls {@link #startBaselineServers()} makes, for the report. */
    protected abstract String baselineServersDescription();

    /**
     * Running baseline servers.
     *
     * @param connectString where clients connect
     * @param servers what stops them on close
     */
    protected record BaselineServers(String connectString, Closeable servers) implements Closeable {
        @Override
        public void close() throws IOException {
            servers.close();
        }
    }

    @Override
    public final String name() {
        return name;
    }





    @Override
    public final Side toolkit() {
        String settings = servers == 1 ? "ToolkitSettings.defaults()"
                : "ToolkitSettings.builder().set(EMBEDDED_SERVERS, " + servers + ").build()";
        return new Side("ToolkitClient.open(" + settings + ") until it returns connected; close not timed",
                this::toolkitTrial);
    }

    @Override
    public final Side baseline() {
        return new Side(baselineServersDescription() + ", then CuratorFrameworkFactory.newClient(connectString, "
                + "new ExponentialBackoffRetry(1000, 3)).start() + blockUntilConnected(); close not timed",
                this::baselineTrial);
    }

    private double toolkitTrial() throws RetryableTrialException {
        long start = System.nanoTime();
        ToolkitSettings settings = servers == 1 ? ToolkitSettings.defaults()
                : ToolkitSettings.builder().set(ToolkitKeys.EMBEDDED_SERVERS, servers).build();
        ToolkitClient client;
        try {
            client = ToolkitClient.open(settings);
        } catch (EmbeddedStartException e) {
            throw new RetryableTrialException("embedded ZooKeeper did not start", e);
        }
        double elapsed = millisSince(start);
        client.close();
        return elapsed;
    }

    private double baselineTrial() throws Exception {
        long start = System.nanoTime();
        BaselineServers serversStarted;
        try {
            serversStarted = startBaselineServers();
        } catch (Exception e) {
            throw new RetryableTrialException("baseline ZooKeeper did not start", e);
        }
        try (BaselineServers running = serversStarted;
                CuratorFramework client = CuratorFrameworkFactory.newClient(running.connectString(),
                        new ExponentialBackoffRetry(1000, 3))) {
            client.start();
            if (!client.blockUntilConnected(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("baseline client did not connect to " + running.connectString() + " within "
                        + CONNECT_WAIT_SECONDS + " s");
            }
            return millisSince(start);
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }
}
