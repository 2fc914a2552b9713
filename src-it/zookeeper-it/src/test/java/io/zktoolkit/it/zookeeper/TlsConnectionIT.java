package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The toolkit's TLS keys against a real ZooKeeper server that serves only a secure client port.
 * The server runs in its own JVM because ZooKeeper turns its TLS settings into JVM-wide system
 * properties, which would leak into the clients under test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsConnectionIT {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    private static ChildJvm server;
    private static String connectString;

    @BeforeAll
    static void startTlsServer() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "zk", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", serverStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        trustStoreFor(serverStore, dir.resolve("trust.p12"));
        Path strangerStore = dir.resolve("stranger.p12");
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=stranger",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", strangerStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        trustStoreFor(strangerStore, dir.resolve("wrong-trust.p12"));

        int port = FreePorts.next();
        Path config = dir.resolve("zoo.cfg");
        Files.write(config, List.of(
                "tickTime=500",
                "dataDir=" + dir.resolve("data"),
                "secureClientPort=" + port,
                "secureClientPortAddress=127.0.0.1",
                "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location=" + serverStore,
                "ssl.keyStore.password=" + PASSWORD,
                "ssl.trustStore.location=" + dir.resolve("trust.p12"),
                "ssl.trustStore.password=" + PASSWORD,
                "ssl.clientAuth=none",
                "admin.enableServer=false"));
        server = ChildJvm.builder("org.apache.zookeeper.server.ZooKeeperServerMain")
                .name("tls-zookeeper").args(config.toString()).jvmOption("-Xmx256m").start();
        connectString = "127.0.0.1:" + port;
        awaitListening(port);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static ToolkitSettings.Builder tls(Path truststore) {
        return ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(3))
                .set(ToolkitKeys.TLS_ENABLED, true)
                .set(ToolkitKeys.TLS_TRUSTSTORE_PATH, truststore)
                .set(ToolkitKeys.TLS_TRUSTSTORE_PASSWORD, Secret.of(PASSWORD))
                .source("tls test");
    }

    @Test
    void connectsWithTheEnsemblesTruststore() throws Exception {
        try (ToolkitClient zk = ToolkitClient.open(tls(dir.resolve("trust.p12")).build())) {
            zk.curator().create().forPath("/secure", "yes".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(zk.curator().getData().forPath("/secure"), StandardCharsets.UTF_8)).isEqualTo("yes");
        }
    }

    @Test
    void aTruststoreWithoutTheEnsemblesCertificateFailsNamingTheTruststoreKey() {
        assertThatThrownBy(() -> ToolkitClient.open(tls(dir.resolve("wrong-trust.p12")).build()))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString)
                .hasMessageContaining("serves TLS on these ports")
                .hasMessageContaining("zk.tls.truststore.path");
    }

    @Test
    void aPlainClientCannotTalkToTheSecurePort() {
        ToolkitSettings plain = ToolkitSettings.builder().set(ToolkitKeys.CONNECT, connectString)
                .set(ToolkitKeys.CONNECTION_TIMEOUT, Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> ToolkitClient.open(plain))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining(connectString);
    }

    private static void trustStoreFor(Path keyStore, Path trustStore) throws Exception {
        Path cert = dir.resolve(keyStore.getFileName() + ".crt");
        keytool("-exportcert", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-alias", keyStore.getFileName().toString().startsWith("server") ? "zk" : "other", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("keytool " + String.join(" ", args) + ": " + output).isZero();
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                assertThat(server.isAlive()).as("TLS server alive: " + server.recentOutput()).isTrue();
                Thread.sleep(100);
            }
        }
        throw new AssertionError("TLS server did not listen on " + port + ": " + server.recentOutput());
    }
}
