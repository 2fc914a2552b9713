package io.zktoolkit.benchmarks;

import org.apache.curator.test.TestingCluster;

/**
 * Connect-to-ready with a 3-server quorum in the process: {@code ToolkitClient.open} with
 * {@code zk.embedded.servers=3} against curator-test's {@link TestingCluster} plus a Curator client.
 *
 * <p>{@code TestingCluster.start()} sometimes fails with "Client and election port must be
 * different!" because it finds free ports by binding and releasing them, so two can collide
 * (CURATOR-708); the harness retries such a start and reports the count.
 */
public final class EmbeddedQuorumConnectCase extends ConnectToReadyCase {
    /**
     * 3 warmups and 20 trials per side, about 40 s on 2 cores. Fewer than standalone because a pair
     * takes over a second, yet not few: the client's random pause of up to a second before it retries
     * a server that is still electing a leader makes single samples swing widely.
     */
    public EmbeddedQuorumConnectCase() {
        super("connect-to-ready, embedded 3-server quorum", 3, 3, 20);
    }

    @Override
    protected BaselineServers startBaselineServers() throws Exception {
        TestingCluster cluster = new TestingCluster(3);
        try {
            cluster.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new BaselineServers(cluster.getConnectString(), cluster);
    }

    @Override
    protected String baselineServersDescription() {
        return "new TestingCluster(3).start()";
    }
}
