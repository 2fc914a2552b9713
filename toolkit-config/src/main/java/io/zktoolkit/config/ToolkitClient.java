package io.zktoolkit.config;

import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.config.settings.Secret;
import java.io.Closeable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started, connected ZooKeeper client built from {@link ToolkitSettings}: the one object a job
 * opens, passes to the toolkit's recipes, and closes.
 *
 * <pre>{@code
 * try (ToolkitClient zk = ToolkitClient.open(Path.of("job.properties"))) {
 *     zk.curator().create().forPath("/hello");
 * }
 * }</pre>
 *
 * <p>With {@code zk.connect=embedded} (the default) it first starts an {@link EmbeddedEnsemble}
 * and stops it again on {@link #close()}, so a job runs on a machine with nothing installed.
 * {@code open} returns only once the client is connected; an unreachable ensemble fails within
 * the connection timeout with a {@link ZooKeeperUnavailableException} naming the connect string.
 */
public final class ToolkitClient implements Closeable {
    /** Lifecycle of the client. */
    public enum State {
        /** Connected (or reconnecting after a blip: Curator retries per the retry policy). */
        STARTED,
        /** Closed. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ToolkitClient.class);
    /** The name of the thread that runs Curator's {@code runSafe} work for a client. */
    static final String SAFE_NOTIFY_THREAD = "zktoolkit-curator-safe-notify";

    private final ToolkitSettings settings;
    private final EmbeddedEnsemble ensemble;
    private final CuratorFramework curator;
    private final ExecutorService safeNotify;
    private final String connectString;
    private volatile State state = State.STARTED;

    private ToolkitClient(ToolkitSettings settings, EmbeddedEnsemble ensemble, CuratorFramework curator,
            ExecutorService safeNotify, String connectString) {
        this.settings = settings;
        this.ensemble = ensemble;
        this.curator = curator;
        this.safeNotify = safeNotify;
        this.connectString = connectString;
    }

    /** Reads a properties file and connects. */
    public static ToolkitClient open(Path propertiesFile) {
        return open(ToolkitSettings.load(propertiesFile));
    }

    /** Reads settings from {@code properties} and connects. */
    public static ToolkitClient open(Properties properties) {
        return open(ToolkitSettings.fromProperties(properties, "Properties object"));
    }

    /**
     * Connects with these settings, starting the embedded ZooKeeper first if they say so.
     *
     * @throws ZooKeeperUnavailableException when no connection is made within the connection timeout
     * @throws io.zktoolkit.config.embedded.EmbeddedStartException when the embedded server cannot start
     */
    public static ToolkitClient open(ToolkitSettings settings) {
        EmbeddedEnsemble ensemble = settings.isEmbedded() ? startEmbedded(settings) : null;
        String connectString = ensemble != null ? ensemble.connectString() : settings.connectString();
        ExecutorService safeNotify = safeNotifyService();
        try {
            if (ensemble == null) {
                checkResolvable(connectString);
            }
            CuratorFramework curator = connect(settings, connectString, safeNotify);
            return new ToolkitClient(settings, ensemble, curator, safeNotify, connectString);
        } catch (RuntimeException e) {
            safeNotify.shutdown();
            if (ensemble != null) {
                ensemble.close();
            }
            throw e;
        }
    }

    /** The Curator client, connected and with namespace, ACL and auth applied. */
    public CuratorFramework curator() {
        return curator;
    }

    /** The settings this client was opened with. */
    public ToolkitSettings settings() {
        return settings;
    }

    /** The connect string actually used (the embedded servers' addresses when embedded). */
    public String connectString() {
        return connectString;
    }

    /** The embedded ensemble this client started, if the settings asked for one. */
    public Optional<EmbeddedEnsemble> embeddedEnsemble() {
        return Optional.ofNullable(ensemble);
    }

    /** Current lifecycle state. */
    public State state() {
        return state;
    }

    /** Closes the client, then stops the embedded ensemble if this client started one. */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            curator.close();
        } finally {
            safeNotify.shutdown();
            if (ensemble != null) {
                ensemble.close();
            }
        }
    }

    /**
     * Curator's own executor for {@code runSafe} outlives a closed client (CURATOR-1277, fixed after
     * 5.9.0): one idle thread per client ever opened. Handing it one the client shuts down at close
     * keeps a JVM that opens clients per task from collecting them.
     */
    private static ExecutorService safeNotifyService() {
        return Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, SAFE_NOTIFY_THREAD);
            thread.setDaemon(true);
            return thread;
        });
    }

    private static EmbeddedEnsemble startEmbedded(ToolkitSettings settings) {
        EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder()
                .servers(settings.get(ToolkitKeys.EMBEDDED_SERVERS))
                .clientPort(settings.get(ToolkitKeys.EMBEDDED_PORT))
                .dataDir(settings.find(ToolkitKeys.EMBEDDED_DATA_DIR).orElse(null))
                .tickTime(settings.get(ToolkitKeys.EMBEDDED_TICK_TIME))
                .build();
        ensemble.start();
        return ensemble;
    }

    private static CuratorFramework connect(ToolkitSettings settings, String connectString, ExecutorService safeNotify) {
        int connectionMs = Math.toIntExact(settings.connectionTimeout().toMillis());
        ZKClientConfig tlsConfig = TlsClientConfig.of(settings);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(Math.toIntExact(settings.sessionTimeout().toMillis()))
                .connectionTimeoutMs(connectionMs)
                .retryPolicy(settings.retryPolicy())
                .connectionStateErrorPolicy(settings.ownershipPolicy().curatorPolicy())
                .aclProvider(settings.aclMode().provider())
                .runSafeService(safeNotify)
                .zkClientConfig(tlsConfig);
        if (!settings.namespace().isEmpty()) {
            builder.namespace(settings.namespace());
        }
        settings.find(ToolkitKeys.AUTH_DIGEST)
                .ifPresent(d -> builder.authorization("digest", d.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        CuratorFramework curator = builder.build();
        curator.start();
        boolean connected;
        try {
            connected = curator.blockUntilConnected(connectionMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            curator.close();
            Thread.currentThread().interrupt();
            throw new ZooKeeperUnavailableException(connectString, "Interrupted while connecting to ZooKeeper at "
                    + connectString, e);
        }
        if (!connected) {
            curator.close();
            throw new ZooKeeperUnavailableException(connectString, "Could not connect to ZooKeeper at "
                    + connectString + " within " + connectionMs + " ms (" + ToolkitKeys.CONNECTION_TIMEOUT.name()
                    + " in " + settings.source() + "). Check that the ensemble is running and reachable from this host"
                    + (settings.tlsEnabled() ? ", that it serves TLS on these ports, and that "
                            + ToolkitKeys.TLS_TRUSTSTORE_PATH.name() + " holds its CA certificate" : "")
                    + ", or set " + ToolkitKeys.CONNECT.name() + "=embedded to run ZooKeeper in this process."
                    + (settings.tlsEnabled() ? TlsHandshakeProbe.explain(settings, tlsConfig, connectString, connectionMs)
                            : ""), null);
        }
        LOG.info("Connected to ZooKeeper at {} (namespace '{}', session timeout {})", connectString,
                settings.namespace(), ToolkitSettings.format(settings.sessionTimeout()));
        return curator;
    }

    /** ZooKeeper only logs unresolvable hosts and then retries forever; fail at once instead. */
    private static void checkResolvable(String connectString) {
        List<String> unresolved = new ArrayList<>();
        for (String hostPort : connectString.split(",")) {
            String host = hostPort.startsWith("[") ? hostPort.substring(1, hostPort.indexOf(']'))
                    : hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':')) : hostPort;
            try {
                InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                unresolved.add(host);
            }
        }
        if (unresolved.size() == connectString.split(",").length) {
            throw new ZooKeeperUnavailableException(connectString, "Could not connect to ZooKeeper at " + connectString
                    + ": no host resolves (" + String.join(", ", unresolved) + "). Check "
                    + ToolkitKeys.CONNECT.name() + ".", null);
        }
        if (!unresolved.isEmpty()) {
            LOG.warn("ZooKeeper hosts {} in {} do not resolve; connecting to the others", unresolved, connectString);
        }
    }

    /** Translates the TLS keys into ZooKeeper client properties. */
    private static final class TlsClientConfig {
        private TlsClientConfig() {
        }

        static ZKClientConfig of(ToolkitSettings s) {
            ZKClientConfig config = new ZKClientConfig();
            if (!s.tlsEnabled()) {
                return config;
            }
            config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
            config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
            config.setProperty("zookeeper.ssl.hostnameVerification", s.get(ToolkitKeys.TLS_HOSTNAME_VERIFICATION).toString());
            // Unset keys are set to null on purpose: ZKClientConfig starts from the JVM-wide
            // zookeeper.ssl.* system properties (a ZooKeeper server in the same JVM sets them from its
            // own ssl.* config), and the client must not present that server's certificate unasked.
            config.setProperty("zookeeper.ssl.keyStore.location", s.find(ToolkitKeys.TLS_KEYSTORE_PATH).map(TlsClientConfig::absolute).orElse(null));
            config.setProperty("zookeeper.ssl.keyStore.password", s.find(ToolkitKeys.TLS_KEYSTORE_PASSWORD).map(Secret::reveal).orElse(null));
            config.setProperty("zookeeper.ssl.keyStore.passwordPath", null);
            config.setProperty("zookeeper.ssl.keyStore.type", s.find(ToolkitKeys.TLS_KEYSTORE_TYPE).orElse(null));
            config.setProperty("zookeeper.ssl.trustStore.location", s.find(ToolkitKeys.TLS_TRUSTSTORE_PATH).map(TlsClientConfig::absolute).orElse(null));
            config.setProperty("zookeeper.ssl.trustStore.password", s.find(ToolkitKeys.TLS_TRUSTSTORE_PASSWORD).map(Secret::reveal).orElse(null));
            config.setProperty("zookeeper.ssl.trustStore.passwordPath", null);
            config.setProperty("zookeeper.ssl.trustStore.type", s.find(ToolkitKeys.TLS_TRUSTSTORE_TYPE).orElse(null));
            return config;
        }

        private static String absolute(Path p) {
            return p.toAbsolutePath().toString();
        }
    }
}
