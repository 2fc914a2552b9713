package io.zktoolkit.discovery.hive;

import java.util.Map;
import java.util.Objects;

/**
 * One HiveServer2 registration as a client sees it in ZooKeeper.
 *
 * @param name the znode's name, unique in its namespace: the instance's id for selection and failure
 *     tracking (for example {@code serverUri=h:10000;version=3.1.3;sequence=0000000007})
 * @param path the znode's path under the client's Curator namespace
 * @param endpoint how to reach the server
 * @param active whether clients should use it: always in {@link HiveDiscoveryMode#ZOOKEEPER}; only
 *     the elected leader in {@link HiveDiscoveryMode#ZOOKEEPER_HA}
 */
public record HiveServerInstance(String name, String path, HiveServerEndpoint endpoint, boolean active) {
    /** Checks every part is present. */
    public HiveServerInstance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoint, "endpoint");
    }

    /** A direct URL to this server; see {@link HiveServerEndpoint#jdbcUrl}. */
    public String jdbcUrl(String database, Map<String, String> sessionParameters) {
        return endpoint.jdbcUrl(database, sessionParameters);
    }
}
