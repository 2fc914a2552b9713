package io.zktoolkit.discovery.hive;

/**
 * The two ZooKeeper layouts HiveServer2 registers in, named as the JDBC URL's
 * {@code serviceDiscoveryMode} names them.
 */
public enum HiveDiscoveryMode {
    /**
     * Every server under {@code /<namespace>}, one ephemeral node each; a client may use any of them.
     * HiveServer2 with {@code hive.server2.support.dynamic.service.discovery}.
     */
    ZOOKEEPER("zooKeeper", "hiveserver2"),
    /**
     * Hive 3+ active/passive HA: every server under {@code /<namespace>-unsecure/instances} (or
     * {@code -sasl} on a Kerberos-secured ensemble), one of them elected leader through a Curator
     * {@code LeaderLatch} at {@code /<namespace>-unsecure/_LEADER}. Only the leader publishes its
     * {@code activeEndpoint}, so clients reach the leader alone. HiveServer2 with
     * {@code hive.server2.active.passive.ha.enable}.
     */
    ZOOKEEPER_HA("zooKeeperHA", "hs2ActivePassiveHA");

    private final String urlValue;
    private final String defaultNamespace;

    HiveDiscoveryMode(String urlValue, String defaultNamespace) {
        this.urlValue = urlValue;
        this.defaultNamespace = defaultNamespace;
    }

    /** The JDBC URL's {@code serviceDiscoveryMode} value. */
    public String urlValue() {
        return urlValue;
    }

    /** The namespace HiveServer2 and the stock driver use when none is configured. */
    public String defaultNamespace() {
        return defaultNamespace;
    }
}
