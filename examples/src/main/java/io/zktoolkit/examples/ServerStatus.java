package io.zktoolkit.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.zookeeper.client.FourLetterWordMain;

/**
 * What one ZooKeeper server says about itself through the {@code srvr} four-letter word, which
 * ZooKeeper allows by default.
 *
 * @param address host:port
 * @param mode leader, follower, standalone, or {@code unreachable}
 * @param zxid last transaction id, or empty
 * @param connections open client connections, or -1
 */
public record ServerStatus(String address, String mode, String zxid, int connections) {
    private static final int TIMEOUT_MS = 2_000;

    /** Whether the server answered. */
    public boolean reachable() {
        return !"unreachable".equals(mode);
    }

    /** Asks one server. */
    public static ServerStatus probe(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = colon < 0 ? 2181 : Integer.parseInt(hostPort.substring(colon + 1));
        try {
            String reply = FourLetterWordMain.send4LetterWord(host, port, "srvr", false, TIMEOUT_MS);
            return new ServerStatus(hostPort, field(reply, "Mode").orElse("unknown"), field(reply, "Zxid").orElse(""),
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
