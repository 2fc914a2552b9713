package io.zktoolkit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.config.settings.SettingsException;
import io.zktoolkit.config.testing.CapturedLogs;
import io.zktoolkit.config.testing.TlsStores;
import io.zktoolkit.it.harness.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code zk.tls.*} keys against a real ZooKeeper server that serves only a secure client port
 * and requires client certificates ({@code ssl.clientAuth=need}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsConnectionTest {
    private static final String PASSWORD = "Tls-Store-Pw-7431";
    private static final String WRONG_PASSWORD = "Not-The-Pw-9902";
    private static final Duration FAIL_WITHIN = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    private static ZooKeeperServerEmbedded server;
    private static String connectString;
    private static Path clientKeys;
    private static Path strangerKeys;
    private static Path trust;
    private static Path wrongTrust;
    private static Map<String, String> propertiesBefore;

    private CapturedLogs logs;

    @BeforeAll
    static void startTlsOnlyServer() throws Exception {
        TlsStores stores = new TlsStores(dir, PASSWORD);
        Path serverKeys = stores.keyPair("server");
        clientKeys = stores.keyPair("client");
        strangerKeys = stores.keyPair("stranger");
        trust = stores.trustStore("client-trust", serverKeys);
        wrongTrust = stores.trustStore("wrong-trust", strangerKeys);
        // The server trusts its own certificate too: a client that picked up the server's keystore from
        // the JVM-wide properties below would get in without a keystore of its own.
        Path serverTrust = stores.trustStore("server-trust", clientKeys, serverKeys);

        int port = FreePorts.next();
        Properties config = new Properties();
        config.setProperty("tickTime", "500");
        config.setProperty("dataDir", dir.resolve("data").toString());
        config.setProperty("secureClientPort", Integer.toString(port));
        // All addresses: 127.0.0.2 reaches it too, by an address its certificate does not name.
        config.setProperty("secureClientPortAddress", "0.0.0.0");
        config.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        config.setProperty("ssl.keyStore.location", serverKeys.toString());
        config.setProperty("ssl.keyStore.password", PASSWORD);
        config.setProperty("ssl.keyStore.type", "PKCS12");
        config.setProperty("ssl.trustStore.location", serverTrust.toString());
        config.setProperty("ssl.trustStore.password", PASSWORD);
        config.setProperty("ssl.trustStore.type", "PKCS12");
        config.setProperty("ssl.clientAuth", "need");
        config.setProperty("admin.enableServer", "false");
        // ZooKeeper copies the ssl.* keys into JVM-wide system properties, reads them for every new
        // connection, and every ZooKeeper client in this JVM takes them as defaults: they stay for
        // the class (the clients must ignore them) and are put back after.
        propertiesBefore = systemProperties();
        server = ZooKeeperServerEmbedded.builder().baseDir(Files.createDirectories(dir.resolve("server")))
                .configuration(config).exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(30_000);
        assertThat(System.getProperty("zookeeper.ssl.keyStore.location")).isEqualTo(serverKeys.toString());
        connectString = "127.0.0.1:" + port;
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
        if (propertiesBefore != null) {
            restoreSystemProperties(propertiesBefore);
        }
    }

    @AfterEach
    void stopCapturing() {
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    void connectsWithAClientCertificateAndWritesAndReads() throws Exception {
        try (ToolkitClient zk = ToolkitClient.open(tls(clientKeys, trust).build())) {
            zk.curator().create().forPath("/secure", "yes".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(zk.curator().getData().forPath("/secure"), StandardCharsets.UTF_8)).isEqualTo("yes");
            assertThat(zk.curator().getZookeeperClient().getZooKeeper().getClientConfig()
                    .getBoolean("zookeeper.client.secure")).isTrue();
        }
    }

    @Test
    void connectsThroughAPropertiesFileWithThePasswordInItsOwnFile() throws Exception {
        Files.writeString(dir.resolve("store.password"), PASSWORD + "\n");
        Path job = dir.resolve("job.properties");
        Files.write(job, List.of(
                "zk.connect=" + connectString,
                "zk.tls.enabled=true",
                "zk.tls.keystore.path=" + clientKeys,
                "zk.tls.keystore.password=${file:store.password}",
                "zk.tls.truststore.path=" + trust,
                "zk.tls.truststore.password=${file:store.password}"));
        try (ToolkitClient zk = ToolkitClient.open(job)) {
            zk.curator().create().orSetData().forPath("/from-file", "ok".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(zk.curator().getData().forPath("/from-file"), StandardCharsets.UTF_8)).isEqualTo("ok");
            assertThat(zk.settings().toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void theServerServesOnlyTlsSoAPlainClientFailsNamingTheConnectString() throws Exception {
        captureLogs();
        // Without the toolkit: a plain Curator client never gets a session on the secure port.
        try (CuratorFramework plainCurator = CuratorFrameworkFactory.newClient(connectString, 4_000, 1_000,
                new RetryOneTime(100))) {
            plainCurator.start();
            assertThat(plainCurator.blockUntilConnected(1, TimeUnit.SECONDS)).isFalse();
        }
        ToolkitSettings plain = ToolkitSettings.builder().set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, FAIL_WITHIN).source("plain test").build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> ToolkitClient.open(plain))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString)
                .hasMessageContaining("zk.connection.timeout");
        // Within the connection timeout plus slack for a loaded machine, not Curator's endless retries.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAIL_WITHIN.multipliedBy(5));
    }

    @Test
    void aTruststoreWithoutTheServersCertificateFailsNamingTheKeyAndFile() {
        captureLogs();
        assertThatThrownBy(() -> ToolkitClient.open(tls(clientKeys, wrongTrust).build()))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString)
                .hasMessageContaining("The server's certificate is not trusted: zk.tls.truststore.path ("
                        + wrongTrust + ")")
                .satisfies(e -> assertNoSecrets(e.getMessage()));
    }

    @Test
    void withoutAClientCertificateTheServerRefusesAndTheMessageSaysWhichKeyIsMissing() {
        captureLogs();
        ToolkitSettings noKeystore = tls(clientKeys, trust).set(ToolkitKeys.TLS_KEYSTORE_PATH, null)
                .set(ToolkitKeys.TLS_KEYSTORE_PASSWORD, null).build();
        assertThatThrownBy(() -> ToolkitClient.open(noKeystore))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString)
                .hasMessageContaining("The server refused this client's certificate: it requires one; set zk.tls.keystore.path")
                .satisfies(e -> assertNoSecrets(e.getMessage()));
    }

    @Test
    void aClientCertificateTheServerDoesNotTrustIsNamed() {
        captureLogs();
        assertThatThrownBy(() -> ToolkitClient.open(tls(strangerKeys, trust).build()))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString)
                .hasMessageContaining("zk.tls.keystore.path (" + strangerKeys + ") holds a certificate the server does not trust")
                .satisfies(e -> assertNoSecrets(e.getMessage()));
    }

    @Test
    void aServerReachedByAnAddressItsCertificateDoesNotNameFailsSayingSo() throws Exception {
        captureLogs();
        String unnamed = connectString.replace("127.0.0.1", "127.0.0.2");
        assertThatThrownBy(() -> ToolkitClient.open(tls(clientKeys, trust).set(ToolkitKeys.CONNECT, unnamed).build()))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(unnamed)
                .hasMessageContaining("The server's certificate does not name the host in zk.connect")
                .hasMessageContaining("zk.tls.hostname.verification=false")
                .satisfies(e -> assertNoSecrets(e.getMessage()));
        // The same address with the check off: the certificate is still verified against the truststore.
        try (ToolkitClient zk = ToolkitClient.open(tls(clientKeys, trust).set(ToolkitKeys.CONNECT, unnamed)
                .set(ToolkitKeys.TLS_HOSTNAME_VERIFICATION, false).build())) {
            assertThat(zk.curator().checkExists().forPath("/")).isNotNull();
        }
    }

    @Test
    void aPortThatDoesNotServeTlsIsNamed() throws Exception {
        captureLogs();
        try (EmbeddedEnsemble plainServer = EmbeddedEnsemble.builder().build()) {
            plainServer.start();
            String plainPort = plainServer.connectString();
            assertThatThrownBy(() -> ToolkitClient.open(tls(clientKeys, trust).set(ToolkitKeys.CONNECT, plainPort).build()))
                    .isInstanceOf(ZooKeeperUnavailableException.class)
                    .hasMessageContaining(plainPort)
                    .hasMessageContaining("does not serve TLS; use the ensemble's secureClientPort")
                    .satisfies(e -> assertNoSecrets(e.getMessage()));
        }
    }

    @Test
    void aMissingKeystoreIsRefusedBeforeConnecting() {
        captureLogs();
        Path missing = dir.resolve("nowhere/client.p12");
        assertThatThrownBy(() -> tls(missing, trust).build())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("zk.tls.keystore.path: file " + missing + " does not exist");
    }

    @Test
    void aWrongStorePasswordIsRefusedBeforeConnectingNamingKeyAndFileButNotThePassword() throws Exception {
        captureLogs();
        assertThatThrownBy(() -> tls(clientKeys, trust).set(ToolkitKeys.TLS_KEYSTORE_PASSWORD, Secret.of(WRONG_PASSWORD))
                .build())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("zk.tls.keystore.path: file " + clientKeys + " cannot be opened as PKCS12 (from its name)")
                .hasMessageContaining("check zk.tls.keystore.password")
                .satisfies(e -> assertNoSecrets(e.getMessage()));

        Path job = dir.resolve("wrong-trust-password.properties");
        Files.write(job, List.of("zk.connect=" + connectString, "zk.tls.enabled=true",
                "zk.tls.truststore.path=" + trust, "zk.tls.truststore.password=" + WRONG_PASSWORD,
                "zk.tls.truststore.type=jks"));
        assertThatThrownBy(() -> ToolkitClient.open(job))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(job.toString())
                .hasMessageContaining("zk.tls.truststore.path: file " + trust + " cannot be opened as JKS")
                .satisfies(e -> assertNoSecrets(e.getMessage()));
    }

    private static ToolkitSettings.Builder tls(Path keystore, Path truststore) {
        return ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, FAIL_WITHIN)
                .set(ToolkitKeys.TLS_ENABLED, true)
                .set(ToolkitKeys.TLS_KEYSTORE_PATH, keystore)
                .set(ToolkitKeys.TLS_KEYSTORE_PASSWORD, Secret.of(PASSWORD))
                .set(ToolkitKeys.TLS_TRUSTSTORE_PATH, truststore)
                .set(ToolkitKeys.TLS_TRUSTSTORE_PASSWORD, Secret.of(PASSWORD))
                .source("tls test");
    }

    /** Everything logged from now until the test ends, down to DEBUG, is checked for passwords. */
    private void captureLogs() {
        logs = CapturedLogs.start();
    }

    private void assertNoSecrets(String message) {
        assertThat(message).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
        assertThat(logs.text()).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> copy = new HashMap<>();
        System.getProperties().stringPropertyNames().forEach(k -> copy.put(k, System.getProperty(k)));
        return copy;
    }

    private static void restoreSystemProperties(Map<String, String> before) {
        for (String key : System.getProperties().stringPropertyNames()) {
            if (!before.containsKey(key)) {
                System.clearProperty(key);
            } else if (!before.get(key).equals(System.getProperty(key))) {
                System.setProperty(key, before.get(key));
            }
        }
    }
}
