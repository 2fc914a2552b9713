package io.zktoolkit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.client.FourLetterWordMain;

/**
 * What one ZooKeeper server says about itself through the {@code srvr} four-letter word, which
 * ZooKeeper allows by default. Used by the status view and to wait for an embedded quorum.
 *
 * @param address host:port
 * @param mode leader, follower, observer, standalone, electing, or {@code unreachable}
 * @param zxid last transaction id, or empty
 * @param connections open client connections, or -1
 */
public record ServerStatus(String address, String mode, String zxid, int connections) {
    private static final int TIMEOUT_MS = 2_000;

    /** Whether the server answered. */
    public boolean reachable() {
        return !"unreachable".equals(mode);
    }

    /** Whether the server serves clients: it leads, follows or runs standalone (not electing). */
    public boolean serving() {
        return mode.equals("leader") || mode.equals("follower") || mode.equals("standalone") || mode.equals("observer");
    }

    /** Asks one server; a server that does not answer within 2 s is {@code unreachable}. */
    public static ServerStatus probe(String hostPort) {
        return probe(hostPort, TIMEOUT_MS);
    }

    /** Asks one server, waiting at most {@code timeoutMs} for its answer. */
    public static ServerStatus probe(String hostPort, int timeoutMs) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = colon < 0 ? 2181 : Integer.parseInt(hostPort.substring(colon + 1));
        try {
            String reply = FourLetterWordMain.send4LetterWord(host, port, "srvr", false, timeoutMs);
            // A server that answers without a Mode line is electing or syncing, not serving.
            return new ServerStatus(hostPort, field(reply, "Mode").orElse("electing"), field(reply, "Zxid").orElse(""),
                    field(reply, "Connections").map(Integer::parseInt).orElse(-1));
        } catch (Exception e) {
            return new ServerStatus(hostPort, "unreachable", "", -1);
        }
    }

    /** Asks every server of a connect string. */
    public static List<ServerStatus> probeAll(String connectString) {
        List<ServerStatus> all = new ArrayList<>();
        for (String hostPort : connectString.split(",")) {
            all.add(probe(hostPort.trim()));
        }
        return all;
    }

    private static Optional<String> field(String reply, String name) {
        return reply.lines().filter(l -> l.startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst();
    }
}
