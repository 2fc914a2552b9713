package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveConfigSmokeTest {
    @Test
    void aWatchStartedBeforeTheSetExistsSeesItsFirstVersion() throws Exception {
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.defaults())) {
            ConfigStore store = ConfigStore.builder(zk).build();
            List<ConfigChange> seen = new CopyOnWriteArrayList<>();
            try (LiveConfig live = store.watch("jobs/not-yet")) {
                live.addListener(seen::add);
                live.start();
                assertThat(live.snapshot().exists()).isFalse();
                assertThat(live.snapshot().getInt("k", 5)).isEqualTo(5);
                store.publish(ConfigUpdate.on(store.read("jobs/not-yet")).set("k", "1"));
                ConfigStoreTest.awaitVersion(live, 1);
                Thread.sleep(100);
                assertThat(seen).hasSize(1);
                assertThat(seen.get(0).previous().exists()).isFalse();
                assertThat(seen.get(0).changedKeys()).containsExactly("k");
            }
        }
    }

    @Test
    void publishWatchAndConflict() throws Exception {
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.defaults())) {
            ConfigStore store = ConfigStore.builder(zk).author("tester").build();
            ConfigSnapshot v1 = store.publish(ConfigUpdate.on(store.read("jobs/a")).set("x", "1").set("y", "1"));
            assertThat(v1.version()).isEqualTo(1);
            List<ConfigChange> seen = new CopyOnWriteArrayList<>();
            try (LiveConfig live = store.watch("jobs/a")) {
                live.addListener(seen::add);
                live.start();
                assertThat(live.snapshot().version()).isEqualTo(1);
                ConfigSnapshot last = v1;
                for (int i = 2; i <= 10; i++) {
                    last = store.publish(ConfigUpdate.on(last).set("x", "" + i).set("y", "" + i));
                }
                final ConfigSnapshot fin = last;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (live.snapshot().version() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                assertThat(seen).extracting(c -> c.current().version()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
                assertThat(seen).allMatch(c -> !c.coalesced());
                assertThatThrownBy(() -> store.publish(ConfigUpdate.on(v1).set("x", "late")))
                        .isInstanceOf(ConfigConflictException.class).hasMessageContaining("at version 10");
                assertThat(store.read("jobs/a")).isNotNull().satisfies(s -> assertThat(s.version()).isEqualTo(fin.version()));
            }
        }
    }
}
