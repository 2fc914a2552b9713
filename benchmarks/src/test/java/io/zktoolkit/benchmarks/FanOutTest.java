package io.zktoolkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** The bookkeeping that turns a listener's missed or repeated version into a failed trial. */
class FanOutTest {
    /** Two listeners; each publish reports to them as {@code notify} says. */
    private static final class ScriptedFanOut extends FanOut {
        private final BiConsumer<ScriptedFanOut, Long> notify;
        private long version;

        ScriptedFanOut(BiConsumer<ScriptedFanOut, Long> notify) {
            super(2, Duration.ofMillis(200));
            this.notify = notify;
        }

        @Override
        long nextVersion() {
            return version + 1;
        }

        @Override
        void publishNext() {
            notify.accept(this, ++version);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void returnsOneDelayPerListenerAndPublish() throws Exception {
        FanOut fanOut = new ScriptedFanOut((f, v) -> {
            f.arrived(1, v);
            f.arrived(0, v);
        });

        double[] delays = fanOut.latenciesMs(3);

        assertThat(delays).hasSize(6);
        assertThat(Arrays.stream(delays).min().orElseThrow()).isNotNegative();
    }

    @Test
    void failsWhenAListenerMissesAVersion() {
        FanOut fanOut = new ScriptedFanOut((f, v) -> f.arrived(0, v));

        assertThatThrownBy(() -> fanOut.latenciesMs(1)).hasMessageContaining("1 of 2 listeners did not see v1");
    }

    @Test
    void failsWhenAListenerSeesAVersionTwiceOrOutOfTurn() {
        FanOut repeats = new ScriptedFanOut((f, v) -> {
            f.arrived(0, v);
            f.arrived(1, v);
            f.arrived(1, v);
        });
        FanOut stale = new ScriptedFanOut((f, v) -> {
            f.arrived(0, v - 1);
            f.arrived(0, v);
            f.arrived(1, v);
        });

        assertThatThrownBy(() -> repeats.latenciesMs(2)).hasMessageContaining("listener 1 reported v1 while v1");
        assertThatThrownBy(() -> stale.latenciesMs(2)).hasMessageContaining("listener 0 reported v0 while v1");
    }
}
