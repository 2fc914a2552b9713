package io.zktoolkit.config.live;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;

/**
 * Child-JVM main for {@link LiveConfigSessionExpiryTest}: watches one set and prints every change.
 * Arguments: connect string, set name, session timeout in milliseconds.
 */
public final class WatcherMain {
    private WatcherMain() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[2])))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        LiveConfig live = ConfigStore.builder(zk).build().watch(args[1]);
        live.addListener(change -> {
            System.out.println("CHANGE " + change.previous().version() + "->" + change.current().version()
                    + " missed=" + change.missedVersions() + " keys=" + change.changedKeys());
            System.out.flush();
        });
        live.start();
        zk.curator().getConnectionStateListenable().addListener((c, s) -> {
            System.out.println("CONNECTION " + s);
            System.out.flush();
        });
        System.out.println("READY v" + live.snapshot().version());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
