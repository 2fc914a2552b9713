package io.zktoolkit.discovery.hive;

import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.common.PathUtils;

/**
 * Where HiveServer2 registrations live for one discovery mode and namespace, and how their znodes
 * are named and filled: the knowledge registrar, resolver and stock URL share.
 *
 * <ul>
 * <li>{@link HiveDiscoveryMode#ZOOKEEPER}: {@code /<ns>/serverUri=<host>:<port>;version=<v>;sequence=<10 digits>},
 *   data {@link HiveServerEndpoint#znodeData()}.</li>
 * <li>{@link HiveDiscoveryMode#ZOOKEEPER_HA}: {@code /<ns>-unsecure/instances/instance-<10 digits>} (or
 *   {@code -sasl}), data {@link HiveServiceRecord}; the leader latch at {@code /<ns>-unsecure/_LEADER}.</li>
 * </ul>
 *
 * Paths are relative to the Curator client's namespace, which the stock driver knows nothing of:
 * {@link #stockJdbcUrl} puts it in front of {@code zooKeeperNamespace}.
 */
final class HiveZnodeLayout {
    static final String HA_INSTANCE_PREFIX = "instance-";

    private final HiveDiscoveryMode mode;
    private final String namespace;
    private final boolean saslRegistry;

    /**
     * @param saslRegistry HA only: whether the servers run with Hadoop Kerberos security on, which
     *     makes Hive use {@code <ns>-sasl} instead of {@code <ns>-unsecure}
     */
    HiveZnodeLayout(HiveDiscoveryMode mode, String namespace, boolean saslRegistry) {
        this.mode = mode;
        this.namespace = namespace;
        this.saslRegistry = saslRegistry;
    }

    /**
     * The layout a registrar's or resolver's options describe: {@code namespace} defaults to the
     * mode's. What is wrong with the namespace is added to {@code problems}, naming the option.
     */
    static HiveZnodeLayout of(HiveDiscoveryMode mode, String namespace, boolean saslRegistry, List<String> problems) {
        String effective = namespace == null ? mode.defaultNamespace() : namespace;
        problems.addAll(namespaceProblems(effective));
        return new HiveZnodeLayout(mode, effective, saslRegistry);
    }

    /** Everything wrong with a namespace, naming the field; empty when valid. */
    static List<String> namespaceProblems(String namespace) {
        List<String> problems = new ArrayList<>();
        if (namespace == null || namespace.isBlank()) {
            problems.add("namespace: is empty");
        } else if (namespace.startsWith("/") || namespace.endsWith("/") || namespace.contains("//")) {
            problems.add("namespace '" + namespace + "': a znode path without leading or trailing '/' (for example hiveserver2)");
        } else if (!HiveServerEndpoint.isUrlSafe(namespace)) {
            problems.add("namespace '" + namespace + "': may not contain ';', '?', '#', '=' or whitespace, which would break "
                    + "the JDBC URL's zooKeeperNamespace");
        } else {
            try {
                PathUtils.validatePath("/" + namespace);
            } catch (IllegalArgumentException e) {
                problems.add("namespace '" + namespace + "': not a valid znode path: " + e.getMessage());
            }
        }
        return problems;
    }

    HiveDiscoveryMode mode() {
        return mode;
    }

    String namespace() {
        return namespace;
    }

    /** The parent of the registration znodes. */
    String instancesPath() {
        return mode == HiveDiscoveryMode.ZOOKEEPER ? "/" + namespace : haRoot() + "/instances";
    }

    /** HA only: the leader latch's path. */
    String leaderLatchPath() {
        return haRoot() + "/_LEADER";
    }

    /** The path a registration's EPHEMERAL_SEQUENTIAL znode is created at; ZooKeeper appends the sequence. */
    String registrationPathPrefix(HiveServerEndpoint endpoint, String version) {
        String name = mode == HiveDiscoveryMode.ZOOKEEPER
                ? "serverUri=" + endpoint.instanceUri() + ";version=" + version + ";sequence="
                : HA_INSTANCE_PREFIX;
        return ZKPaths.makePath(instancesPath(), name);
    }

    /** A registration's data: for HA, as the leader ({@code active}) or a standby. */
    byte[] data(HiveServerEndpoint endpoint, String uniqueId, boolean active) {
        return mode == HiveDiscoveryMode.ZOOKEEPER
                ? endpoint.znodeData().getBytes(StandardCharsets.UTF_8)
                : HiveServiceRecord.encode(endpoint, uniqueId, active);
    }

    /** Whether a child of {@link #instancesPath()} is meant as a registration (HA skips anything but instance-N). */
    boolean isRegistration(String name) {
        return mode == HiveDiscoveryMode.ZOOKEEPER
                || name.startsWith(HA_INSTANCE_PREFIX) && name.length() > HA_INSTANCE_PREFIX.length();
    }

    /**
     * Reads a registration znode.
     *
     * @throws IllegalArgumentException saying what is wrong with its data
     */
    HiveServerInstance parse(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("no data");
        }
        String name = ZKPaths.getNodeFromPath(path);
        if (mode == HiveDiscoveryMode.ZOOKEEPER) {
            return new HiveServerInstance(name, path, HiveServerEndpoint.fromZnodeData(strictUtf8(data)), true);
        }
        HiveServiceRecord.Decoded record = HiveServiceRecord.decode(data);
        return new HiveServerInstance(name, path, record.endpoint(), record.active());
    }

    /**
     * The discovery URL stock clients use, {@code jdbc:hive2://<ensemble>/<db>;serviceDiscoveryMode=...;
     * zooKeeperNamespace=...}. The stock driver connects at the ensemble's root, so a Curator namespace
     * (chroot) {@code app} turns {@code hiveserver2} into {@code app/hiveserver2}. With TLS the
     * keystore and truststore locations and types are added; their passwords are left out, because
     * this URL ends up in logs: add {@code zooKeeperTruststorePassword} (and
     * {@code zooKeeperKeystorePassword}) when connecting.
     */
    String stockJdbcUrl(String connectString, String curatorNamespace, String database, ToolkitSettings settings) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("serviceDiscoveryMode", mode.urlValue());
        parameters.put("zooKeeperNamespace", curatorNamespace == null || curatorNamespace.isEmpty()
                ? namespace : curatorNamespace + "/" + namespace);
        if (settings.tlsEnabled()) {
            parameters.put("zooKeeperSSLEnable", "true");
            settings.find(ToolkitKeys.TLS_KEYSTORE_PATH).ifPresent(p -> parameters.put("zooKeeperKeystoreLocation",
                    p.toAbsolutePath().toString()));
            settings.find(ToolkitKeys.TLS_KEYSTORE_TYPE).ifPresent(t -> parameters.put("zooKeeperKeystoreType", t));
            settings.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).ifPresent(p -> parameters.put("zooKeeperTruststoreLocation",
                    p.toAbsolutePath().toString()));
            settings.find(ToolkitKeys.TLS_TRUSTSTORE_TYPE).ifPresent(t -> parameters.put("zooKeeperTruststoreType", t));
        }
        StringBuilder url = new StringBuilder("jdbc:hive2://").append(connectString).append('/').append(database);
        parameters.forEach((name, value) -> url.append(';').append(name).append('=').append(value));
        return url.toString();
    }

    private String haRoot() {
        return "/" + namespace + (saslRegistry ? "-sasl" : "-unsecure");
    }

    private static String strictUtf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("data is not UTF-8 text", e);
        }
    }
}
