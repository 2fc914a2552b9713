package io.zktoolkit.config;

import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingKey;
import io.zktoolkit.config.settings.SettingType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.zookeeper.common.PathUtils;

/**
 * Every connection key the toolkit reads, with its type, default and meaning. Keys start with
 * {@value #PREFIX}; other keys in a file belong to the job and are left alone, while an unknown
 * key under the prefix is an error (with the nearest valid key suggested), so a typo cannot
 * silently fall back to a default.
 */
public final class ToolkitKeys {
    /** The prefix of every toolkit connection key. */
    public static final String PREFIX = "zk.";
    /** The connect-string value that starts the embedded ZooKeeper. */
    public static final String EMBEDDED = "embedded";

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9_.-]+)(:(\\d{1,5}))?");

    /** The ZooKeeper ensemble, or {@code embedded}. */
    public static final SettingKey<String> CONNECT = new SettingKey<>("zk.connect", SettingType.of(
            "embedded, or host:port pairs separated by commas (for example zk1:2181,zk2:2181,zk3:2181)",
            ToolkitKeys::parseConnectString), EMBEDDED,
            "ZooKeeper ensemble to use; `embedded` starts ZooKeeper inside the process");
    /** Curator namespace (chroot). */
    public static final SettingKey<String> NAMESPACE = new SettingKey<>("zk.namespace", SettingType.of(
            "a znode path without leading or trailing slash (for example zktoolkit or team/etl), or empty for none",
            ToolkitKeys::parseNamespace), "zktoolkit",
            "Root under which the toolkit keeps its nodes (Curator namespace); empty for the ensemble root");
    /** Session timeout. */
    public static final SettingKey<Duration> SESSION_TIMEOUT = new SettingKey<>("zk.session.timeout",
            SettingType.duration(Duration.ofSeconds(1)), "15s",
            "How long the ensemble keeps a silent client's session, its ephemeral nodes and locks");
    /** Connection timeout. */
    public static final SettingKey<Duration> CONNECTION_TIMEOUT = new SettingKey<>("zk.connection.timeout",
            SettingType.duration(Duration.ofMillis(100)), "10s",
            "How long to wait for a connection before failing with the connect string named");
    /** Retry policy. */
    public static final SettingKey<RetryPolicyKind> RETRY_POLICY = new SettingKey<>("zk.retry.policy",
            SettingType.oneOf(RetryPolicyKind.class), "exponential",
            "How operations retry after a connection loss");
    /** Retry base sleep. */
    public static final SettingKey<Duration> RETRY_BASE_SLEEP = new SettingKey<>("zk.retry.base.sleep",
            SettingType.duration(Duration.ofMillis(1)), "500ms", "First sleep between retries");
    /** Retry maximum sleep. */
    public static final SettingKey<Duration> RETRY_MAX_SLEEP = new SettingKey<>("zk.retry.max.sleep",
            SettingType.duration(Duration.ofMillis(1)), "10s", "Longest sleep between retries (exponential)");
    /** Retry count. */
    public static final SettingKey<Integer> RETRY_MAX_RETRIES = new SettingKey<>("zk.retry.max.retries",
            SettingType.integer(0, 29), "10", "Retries before an operation fails (exponential, fixed)");
    /** Connection-state error policy. */
    public static final SettingKey<OwnershipPolicy> OWNERSHIP_LOST_ON = new SettingKey<>("zk.ownership.lost.on",
            SettingType.oneOf(OwnershipPolicy.class), "suspended",
            "When locks and leadership count as lost: at once on a suspended connection, or only when the session is lost");
    /** Digest credentials. */
    public static final SettingKey<Secret> AUTH_DIGEST = new SettingKey<>(
            "zk.auth.digest", SettingType.secret("user:password",
                    ToolkitKeys::checkDigest), null,
            "Digest credentials `user:password` the client authenticates with; use ${file:...} or ${env:...}");
    /** ACL mode. */
    public static final SettingKey<AclMode> ACL = new SettingKey<>("zk.acl",
            SettingType.oneOf(AclMode.class), "open",
            "ACL of nodes the toolkit creates: open, creator (needs zk.auth.digest) or creator-world-read");
    /** TLS switch. */
    public static final SettingKey<Boolean> TLS_ENABLED = new SettingKey<>("zk.tls.enabled",
            SettingType.bool(), "false", "Connect to the ensemble's secure client port with TLS");
    /** Keystore path. */
    public static final SettingKey<Path> TLS_KEYSTORE_PATH = new SettingKey<>("zk.tls.keystore.path",
            SettingType.path(), null, "Client keystore, for ensembles that require client certificates");
    /** Keystore password. */
    public static final SettingKey<Secret> TLS_KEYSTORE_PASSWORD = new SettingKey<>(
            "zk.tls.keystore.password", SettingType.secret(), null, "Client keystore password");
    /** Keystore type. */
    public static final SettingKey<String> TLS_KEYSTORE_TYPE = new SettingKey<>("zk.tls.keystore.type",
            SettingType.of("PKCS12, JKS or PEM", ToolkitKeys::parseStoreType), null,
            "Keystore format; by default taken from the file name's extension");
    /** Truststore path. */
    public static final SettingKey<Path> TLS_TRUSTSTORE_PATH = new SettingKey<>("zk.tls.truststore.path",
            SettingType.path(), null, "Truststore holding the ensemble's CA certificate; required with TLS");
    /** Truststore password. */
    public static final SettingKey<Secret> TLS_TRUSTSTORE_PASSWORD = new SettingKey<>(
            "zk.tls.truststore.password", SettingType.secret(), null, "Truststore password");
    /** Truststore type. */
    public static final SettingKey<String> TLS_TRUSTSTORE_TYPE = new SettingKey<>("zk.tls.truststore.type",
            SettingType.of("PKCS12, JKS or PEM", ToolkitKeys::parseStoreType), null,
            "Truststore format; by default taken from the file name's extension");
    /** Hostname verification. */
    public static final SettingKey<Boolean> TLS_HOSTNAME_VERIFICATION = new SettingKey<>(
            "zk.tls.hostname.verification", SettingType.bool(), "true",
            "Check that the server certificate matches the host name");
    /** Embedded server count. */
    public static final SettingKey<Integer> EMBEDDED_SERVERS = new SettingKey<>("zk.embedded.servers",
            SettingType.of("1, 3 or 5", ToolkitKeys::parseServerCount), "1",
            "Embedded servers: 1 for a standalone server, 3 or 5 for a quorum in this process");
    /** Embedded client port. */
    public static final SettingKey<Integer> EMBEDDED_PORT = new SettingKey<>("zk.embedded.port",
            SettingType.integer(0, 65535), "0",
            "Client port of the first embedded server (the next servers take the following ports); 0 picks free ports");
    /** Embedded data directory. */
    public static final SettingKey<Path> EMBEDDED_DATA_DIR = new SettingKey<>("zk.embedded.data.dir",
            SettingType.path(), null,
            "Where embedded servers keep their data across restarts; unset: a temporary folder deleted on close");
    /** Embedded tick time. */
    public static final SettingKey<Duration> EMBEDDED_TICK_TIME = new SettingKey<>("zk.embedded.tick.time",
            SettingType.duration(Duration.ofMillis(10)), "500ms",
            "Embedded servers' tick; sessions expire at a granularity of one tick");

    /** Every key, in README order. */
    public static final List<SettingKey<?>> ALL = List.of(CONNECT, NAMESPACE, SESSION_TIMEOUT, CONNECTION_TIMEOUT,
            RETRY_POLICY, RETRY_BASE_SLEEP, RETRY_MAX_SLEEP, RETRY_MAX_RETRIES, OWNERSHIP_LOST_ON,
            AUTH_DIGEST, ACL, TLS_ENABLED, TLS_KEYSTORE_PATH, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_TYPE,
            TLS_TRUSTSTORE_PATH, TLS_TRUSTSTORE_PASSWORD, TLS_TRUSTSTORE_TYPE, TLS_HOSTNAME_VERIFICATION,
            EMBEDDED_SERVERS, EMBEDDED_PORT, EMBEDDED_DATA_DIR, EMBEDDED_TICK_TIME);

    private ToolkitKeys() {
    }

    /** The key with this name, if the toolkit knows it. */
    public static Optional<SettingKey<?>> find(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    private static String parseConnectString(String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase(EMBEDDED)) {
            return EMBEDDED;
        }
        String hosts = value;
        int chroot = value.indexOf('/');
        if (chroot >= 0) {
            throw new IllegalArgumentException("expected host:port pairs without a /chroot suffix; set zk.namespace instead");
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("expected embedded or host:port pairs, got an empty value");
        }
        for (String part : hosts.split(",", -1)) {
            var m = HOST_PORT.matcher(part.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not host:port; expected host:port pairs "
                        + "separated by commas, or embedded");
            }
            if (m.group(3) != null) {
                int port = Integer.parseInt(m.group(3));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port " + port + " in '" + part.trim()
                            + "' is out of range; expected 1 to 65535");
                }
            }
        }
        return hosts.replace(" ", "");
    }

    private static final int MAX_NAMESPACE_LENGTH = 200;

    private static String parseNamespace(String text) {
        String ns = text.trim();
        if (ns.isEmpty()) {
            return ns;
        }
        if (ns.startsWith("/") || ns.endsWith("/")) {
            throw new IllegalArgumentException("'" + ns + "' must not start or end with '/'; for example team/etl");
        }
        if (ns.length() > MAX_NAMESPACE_LENGTH) {
            // It prefixes every path the toolkit writes; a long one eats into names and requests alike.
            throw new IllegalArgumentException("the namespace is " + ns.length() + " characters long; at most "
                    + MAX_NAMESPACE_LENGTH + ", for example team/etl");
        }
        try {
            PathUtils.validatePath("/" + ns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + ns + "' is not a valid znode path: " + e.getMessage());
        }
        if (ns.equals("zookeeper") || ns.startsWith("zookeeper/")) {
            throw new IllegalArgumentException("'" + ns + "' is reserved by ZooKeeper");
        }
        return ns;
    }

    private static void checkDigest(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected user:password with both parts non-empty");
        }
    }

    private static String parseStoreType(String text) {
        String type = text.trim().toUpperCase(Locale.ROOT);
        if (!List.of("PKCS12", "JKS", "PEM").contains(type)) {
            throw new IllegalArgumentException("expected PKCS12, JKS or PEM");
        }
        return type;
    }

    private static Integer parseServerCount(String text) {
        return switch (text.trim()) {
            case "1" -> 1;
            case "3" -> 3;
            case "5" -> 5;
            default -> throw new IllegalArgumentException("expected 1, 3 or 5 (a quorum needs an odd count)");
        };
    }
}
