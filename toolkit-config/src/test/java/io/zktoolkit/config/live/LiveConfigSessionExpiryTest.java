package io.zktoolkit.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.it.harness.ChildJvm;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A watching job frozen past its session timeout (a long GC pause, a stopped container) loses its
 * session; when it runs again it must resync and report what it missed as one change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveConfigSessionExpiryTest {

    @Test
    void aWatcherWhoseSessionExpiredReportsTheMissedVersionsAsOneChange() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().tickTime(Duration.ofMillis(200)).build()) {
            ensemble.start();
            try (ToolkitClient writerClient = ToolkitClient.open(ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString()).build());
                 ChildJvm watcher = ChildJvm.builder(WatcherMain.class.getName()).name("watcher")
                         .jvmOption("-Xmx128m")
                         .args(ensemble.connectString(), "jobs/expiring", "1500").start()) {
                ConfigStore store = ConfigStore.builder(writerClient).build();
                ConfigSnapshot last = store.publish(ConfigUpdate.on(store.read("jobs/expiring")).set("k", "1"));
                watcher.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60));
                last = store.publish(ConfigUpdate.on(last).set("k", "2"));
                watcher.awaitLine(l -> l.startsWith("CHANGE 1->2 missed=[]"), Duration.ofSeconds(20));

                watcher.pause();
                for (int i = 3; i <= 6; i++) {
                    last = store.publish(ConfigUpdate.on(last).set("k", Integer.toString(i)).set("extra" + i, "x"));
                }
                // well past the 1.5 s session timeout: the server expires the frozen watcher's session
                Thread.sleep(4_000);
                watcher.resume();

                watcher.awaitLine(l -> l.equals("CONNECTION LOST"), Duration.ofSeconds(30));
                String change = watcher.awaitLine(l -> l.startsWith("CHANGE 2->6"), Duration.ofSeconds(30));
                assertThat(change).isEqualTo("CHANGE 2->6 missed=[3, 4, 5] keys=[extra3, extra4, extra5, extra6, k]");
                Thread.sleep(300);
                assertThat(watcher.lines()).filteredOn(l -> l.startsWith("CHANGE")).hasSize(2);
            }
        }
    }
}
