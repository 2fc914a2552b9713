package io.zktoolkit.benchmarks;

import java.io.Closeable;
import java.util.Arrays;

/**
 * Latency from publishing a new version to every one of many listening sessions seeing it, on an
 * embedded 3-server ensemble: {@code LiveConfig} listeners against Curator {@code CuratorCache}
 * listeners. A trial publishes several versions one after another and returns one percentile of
 * all listeners' delays over all of them; one instance per percentile, so each case has one unit.
 */
public final class PublishToListenersCase extends SampledCase {
    private final double percentile;
    private final int listeners;
    private final int publishes;
    private SessionFleet fleet;
    private FanOut toolkitFanOut;
    private FanOut baselineFanOut;

    /**
     * @param percentile which percentile of the delays a trial returns, for example 50 or 99
     * @param listeners listening sessions, besides the publisher's
     * @param publishes versions published per trial
     * @param warmups warmup trials per side
     * @param trials measured trials per side
     */
    public PublishToListenersCase(double percentile, int listeners, int publishes, int warmups, int trials) {
        super("ms", Direction.LOWER_IS_BETTER, warmups, trials);
        this.percentile = percentile;
        this.listeners = listeners;
        this.publishes = publishes;
    }

    /**
     * 100 listeners, 20 publishes per trial, 2 warmups and 10 trials per side: a trial is about a
     * second, and 2000 delays per trial put the p99 on the 20 slowest rather than on one outlier.
     */
    public static PublishToListenersCase standard(double percentile) {
        return new PublishToListenersCase(percentile, 100, 20, 2, 10);
    }

    @Override
    public String name() {
        return String.format("publish-to-listeners p%.0f, %d sessions, 3-server ensemble", percentile, listeners);
    }





    @Override
    public void setUp() throws Exception {
        fleet = SessionFleet.start(listeners);
        toolkitFanOut = LiveConfigFanOut.open(fleet);
        baselineFanOut = CuratorCacheFanOut.open(fleet);
    }

    @Override
    public void tearDown() throws Exception {
        // Watchers before the sessions they run on; whatever a failed set-up never made is null.
        for (Closeable c : Arrays.asList(toolkitFanOut, baselineFanOut, fleet)) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Override
    public Side toolkit() {
        return new Side(String.format("%d publishes of ConfigStore.publish(ConfigUpdate.on(last).set(...)); %d sessions "
                + "each with a started LiveConfig whose ConfigListener notes the arrival of change.current().version(); "
                + "p%.0f of all delays from just before publish to each arrival", publishes, listeners, percentile),
                () -> sample(toolkitFanOut));
    }

    @Override
    public Side baseline() {
        return new Side(String.format("%d publishes of curator.setData().forPath(znode, bytes); %d sessions each with "
                + "a CuratorCache (SINGLE_NODE_CACHE) on the znode whose forChanges listener decodes the bytes and notes "
                + "the arrival; p%.0f of all delays from just before setData to each arrival", publishes, listeners,
                percentile), () -> sample(baselineFanOut));
    }

    private double sample(FanOut fanOut) throws Exception {
        double[] latencies = fanOut.latenciesMs(publishes);
        Arrays.sort(latencies);
        return SampleSummary.percentile(latencies, percentile);
    }
}
