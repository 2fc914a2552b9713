package io.zktoolkit.benchmarks;

import org.apache.curator.test.TestingServer;

/**
 * Connect-to-ready with one embedded server: {@code ToolkitClient.open} with the defaults against
 * curator-test's {@link TestingServer} plus a Curator client.
 */
public final class EmbeddedConnectCase extends ConnectToReadyCase {
    /**
     * 5 warmups and 30 trials per side: once classes are loaded a pair takes tens of milliseconds,
     * so many trials cost little and steady the medians.
     */
    public EmbeddedConnectCase() {
        super("connect-to-ready, embedded standalone", 1, 5, 30);
    }

    @Override
    protected BaselineServers startBaselineServers() throws Exception {
        TestingServer server = new TestingServer();
        return new BaselineServers(server.getConnectString(), server);
    }

    @Override
    protected String baselineServersDescription() {
        return "new TestingServer() (starts it)";
    }
}
