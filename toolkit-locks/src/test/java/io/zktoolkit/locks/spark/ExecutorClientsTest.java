package io.zktoolkit.locks.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.ZooKeeperUnavailableException;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.it.harness.FreePorts;
import io.zktoolkit.it.harness.InJvmQuorum;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Settings that travel to executors, and the client each executor JVM shares, on a real 3-server ensemble. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecutorClientsTest {
    private InJvmQuorum quorum;

    @BeforeEach
    void start() {
        quorum = InJvmQuorum.start(3);
    }

    @AfterEach
    void stop() throws Exception {
        ExecutorClients.closeAll();
        quorum.close();
    }

    @Test
    void aDriversSettingsTravelWholeButPrintMasked() throws Exception {
        ToolkitSettings driverSettings = ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, quorum.connectString())
                .set(ToolkitKeys.NAMESPACE, "team/etl")
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(7))
                .set(ToolkitKeys.AUTH_DIGEST, Secret.of("etl:hunter2"))
                .build();
        PortableSettings portable;
        try (ToolkitClient driver = ToolkitClient.open(driverSettings)) {
            portable = PortableSettings.of(driver);
        }

        PortableSettings travelled = roundTrip(portable);

        assertThat(travelled).isEqualTo(portable).hasSameHashCodeAs(portable);
        assertThat(travelled.toSettings().describe()).isEqualTo(driverSettings.describe());
        assertThat(travelled.toSettings().get(ToolkitKeys.AUTH_DIGEST).reveal()).isEqualTo("etl:hunter2");
        assertThat(travelled.toString()).doesNotContain("hunter2").contains("zk.auth.digest=******")
                .contains("zk.namespace=team/etl");
        assertThat(travelled.keys()).doesNotContainKey("zk.embedded.servers");
    }

    @Test
    void everyTaskOfAnExecutorSharesOneClientPerSettings() throws Exception {
        PortableSettings a = PortableSettings.of(Map.of("zk.connect", quorum.connectString(), "spark.app.name", "ignored"));
        PortableSettings sameAsA = PortableSettings.of(Map.of("zk.connect", quorum.connectString()));
        PortableSettings b = PortableSettings.of(Map.of("zk.connect", quorum.connectString(), "zk.namespace", "other"));

        ToolkitClient first = ExecutorClients.client(a);
        assertThat(ExecutorClients.client(sameAsA)).isSameAs(first);
        assertThat(ExecutorClients.client(roundTrip(a))).isSameAs(first);
        assertThat(ExecutorClients.client(b)).isNotSameAs(first);

        first.close();  // what a careless task might do: the next task gets a working client again
        ToolkitClient replaced = ExecutorClients.client(a);
        assertThat(replaced).isNotSameAs(first);
        assertThat(replaced.curator().checkExists().forPath("/")).isNotNull();
    }

    @Test
    void anExecutorNeverStartsAnEnsembleOfItsOwn() {
        assertThatThrownBy(() -> PortableSettings.of(Map.of("zk.connect", "embedded")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zk.connect is 'embedded'");
        assertThatThrownBy(() -> PortableSettings.of(Map.of("zk.session.timeout", "5s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zk.connect is not set");
        assertThatThrownBy(() -> PortableSettings.of(Map.of("zk.connect", quorum.connectString(), "zk.sesion.timeout", "5s")))
                .hasMessageContaining("zk.sesion.timeout").hasMessageContaining("did you mean zk.session.timeout");
    }

    @Test
    void anUnreachableEnsembleFailsWithinTheTimeoutNamingItsAddressButNoSecret() {
        String nowhere = "127.0.0.1:" + FreePorts.next();
        PortableSettings unreachable = PortableSettings.of(Map.of(
                "zk.connect", nowhere,
                "zk.connection.timeout", "1s",
                "zk.auth.digest", "etl:hunter2"));
        long started = System.nanoTime();

        assertThatThrownBy(() -> ExecutorClients.client(unreachable))
                .isInstanceOf(ZooKeeperUnavailableException.class)
                .hasMessageContaining("Could not connect to ZooKeeper at " + nowhere)
                .hasMessageNotContaining("hunter2");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    private static PortableSettings roundTrip(PortableSettings settings) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (PortableSettings) in.readObject();
        }
    }
}
