package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.live.ConfigSnapshot;
import io.zktoolkit.config.live.ConfigStore;
import io.zktoolkit.config.live.ConfigUpdate;
import io.zktoolkit.config.live.LiveConfig;
import java.util.ArrayList;
import java.util.List;

/** Toolkit fan-out: a {@link LiveConfig} per listening session; the publisher publishes new versions of the set. */
final class LiveConfigFanOut extends FanOut {
    static final String SET = "bench/fan-out";

    private final ConfigStore store;
    private final List<LiveConfig> watches = new ArrayList<>();
    private ConfigSnapshot last;

    private LiveConfigFanOut(SessionFleet fleet) {
        super(fleet.listeners().size());
        store = ConfigStore.builder(fleet.publisher()).build();
    }

    /** Publishes a first version, then starts every listener's watch on it. */
    static LiveConfigFanOut open(SessionFleet fleet) {
        LiveConfigFanOut fanOut = new LiveConfigFanOut(fleet);
        try {
            fanOut.last = fanOut.store.publish(ConfigUpdate.on(fanOut.store.read(SET)).set("round", "start"));
            List<ToolkitClient> listeners = fleet.listeners();
            for (int i = 0; i < listeners.size(); i++) {
                LiveConfig live = ConfigStore.builder(listeners.get(i)).build().watch(SET);
                int listener = i;
                live.addListener(change -> fanOut.arrived(listener, change.current().version()));
                fanOut.watches.add(live);
                live.start();
            }
            return fanOut;
        } catch (RuntimeException e) {
            fanOut.close();
            throw e;
        }
    }

    @Override
    long nextVersion() {
        return last.version() + 1;
    }

    @Override
    void publishNext() {
        last = store.publish(ConfigUpdate.on(last).set("round", Long.toString(nextVersion())));
    }

    @Override
    public void close() {
        watches.forEach(LiveConfig::close);
    }
}
