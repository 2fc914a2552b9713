package io.zktoolkit.recovery.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.discovery.hive.HiveServerResolver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad options of a {@link FailoverHiveSession} are refused at build time, each named; lifecycle misuse is refused too. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailoverHiveSessionBuilderTest {
    private static ToolkitClient zk;
    private static HiveServerResolver resolver;

    @BeforeAll
    static void open() {
        zk = ToolkitClient.open(ToolkitSettings.builder().build());
        resolver = HiveServerResolver.builder(zk).namespace("builder-test").instanceWait(Duration.ZERO).build();
    }

    @AfterAll
    static void close() {
        resolver.close();
        zk.close();
    }

    @Test
    void everyBadOptionIsNamedInOneError() {
        assertThatThrownBy(() -> FailoverHiveSession.builder(resolver).database("sales;x=1")
                .set("spark.sql.shuffle.partitions", "4; DROP TABLE orders")
                .set("bad key", "1")
                .urlParameter("fetchSize", "10;user=admin")
                .probeTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/zktoolkit/builder-test")
                .hasMessageContaining("database: 'sales;x=1'")
                .hasMessageContaining("value of spark.sql.shuffle.partitions holds ';'")
                .hasMessageContaining("key 'bad key' is not a setting name")
                .hasMessageContaining("urlParameter: 'fetchSize=10;user=admin'")
                .hasMessageContaining("probeTimeout: PT0S is not positive");
    }

    @Test
    void aSessionIsUsedOnlyBetweenStartAndClose() throws Exception {
        FailoverHiveSession session = FailoverHiveSession.builder(resolver).database("sales")
                .set("spark.sql.shuffle.partitions", "4").build();
        assertThat(session.state()).isEqualTo(FailoverHiveSession.State.LATENT);
        assertThatThrownBy(() -> session.execute("SELECT 1", RetrySafety.SAFE_TO_RETRY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call start() first");
        assertThat(session.currentServer()).isEmpty();
        session.close();
        assertThatThrownBy(session::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
    }
}
