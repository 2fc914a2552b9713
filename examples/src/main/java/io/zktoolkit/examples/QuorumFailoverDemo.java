package io.zktoolkit.examples;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.examples.pipeline.QuorumLeader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Work that goes on while a ZooKeeper server dies: one writer increments a counter with
 * compare-and-set while the quorum's leader is stopped and later restarted. A write whose reply
 * was lost in the failover is recognised on the next read (the counter already holds the value
 * it wrote), so the final check, counter equals writes that landed, proves nothing was lost or
 * applied twice.
 */
final class QuorumFailoverDemo {
    /** What happened, for the summary and the tests. */
    record Result(long landed, long counter, long landedWhileDown, long failedAttempts, String leaderBefore,
            String leaderAfter, Duration longestPause, Duration elapsed) {
        boolean exactlyOnce() {
            return landed == counter;
        }

        /** The demo's claim: writes landed exactly once, and some landed while the leader was down. */
        boolean succeeded() {
            return exactlyOnce() && landedWhileDown > 0;
        }
    }

    private static final String COUNTER = "/demo/counter";

    private final ToolkitClient zk;
    private final EmbeddedEnsemble ensemble;
    private final PrintWriter out;

    QuorumFailoverDemo(ToolkitClient zk, PrintWriter out) {
        this.zk = zk;
        this.ensemble = zk.embeddedEnsemble().orElseThrow(() -> new IllegalArgumentException(
                "the demo stops an embedded server, so it needs zk.connect=embedded"));
        this.out = out;
    }

    Result run(Duration duration, Duration stopAt, Duration restartAt) throws Exception {
        CuratorFramework curator = zk.curator();
        curator.create().orSetData().creatingParentsIfNeeded().forPath(COUNTER, bytes(0));
        Writer writer = new Writer(curator);
        Thread thread = new Thread(writer, "demo-writer");
        long start = System.nanoTime();
        thread.start();

        int leader = leaderIndex().orElse(0);
        String leaderBefore = "server-" + (leader + 1);
        out.printf("%6s  %-36s %s%n", "time", "event", "writes landed");
        boolean stopped = false;
        boolean restarted = false;
        long landedAtStop = 0;
        long landedWhileDown = 0;
        while (elapsed(start).compareTo(duration) < 0) {
            Duration now = elapsed(start);
            if (!stopped && now.compareTo(stopAt) >= 0) {
                ensemble.stopServer(leader);
                stopped = true;
                landedAtStop = writer.landed.get();
                event(now, "stopped leader " + leaderBefore, writer);
            } else if (stopped && !restarted && now.compareTo(restartAt) >= 0) {
                landedWhileDown = writer.landed.get() - landedAtStop;
                ensemble.restartServer(leader);
                restarted = true;
                event(now, "restarted server-" + (leader + 1), writer);
            } else {
                event(now, stopped && !restarted ? "running on " + (ensemble.size() - 1) + " of " + ensemble.size()
                        : "running on " + ensemble.size() + " of " + ensemble.size(), writer);
            }
            Thread.sleep(500);
        }
        writer.stop();
        thread.join();
        String leaderAfter = leaderIndex().stream().mapToObj(i -> "server-" + (i + 1)).findFirst().orElse("none");
        long counter = read(curator, new Stat());
        return new Result(writer.landed.get(), counter, landedWhileDown, writer.failedAttempts.get(), leaderBefore,
                leaderAfter, Duration.ofNanos(writer.longestPauseNanos.get()), elapsed(start));
    }

    private void event(Duration at, String what, Writer writer) {
        out.printf("%5.1fs  %-36s %d%n", at.toMillis() / 1000.0, what, writer.landed.get());
        out.flush();
    }

    private OptionalInt leaderIndex() {
        return QuorumLeader.of(ensemble);
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static byte[] bytes(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    private static long read(CuratorFramework curator, Stat stat) throws Exception {
        return Long.parseLong(new String(curator.getData().storingStatIn(stat).forPath(COUNTER), StandardCharsets.UTF_8));
    }

    /** The single writer; since nobody else writes, a counter at our intended value means our write landed. */
    private static final class Writer implements Runnable {
        private final CuratorFramework curator;
        final AtomicLong landed = new AtomicLong();
        final AtomicLong failedAttempts = new AtomicLong();
        final AtomicLong longestPauseNanos = new AtomicLong();
        private volatile boolean running = true;

        Writer(CuratorFramework curator) {
            this.curator = curator;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            long lastLanded = System.nanoTime();
            long pending = -1;
            while (running) {
                try {
                    Stat stat = new Stat();
                    long current = read(curator, stat);
                    if (pending >= 0 && current == pending) {
                        landed.incrementAndGet();
                    }
                    pending = current + 1;
                    curator.setData().withVersion(stat.getVersion()).forPath(COUNTER, bytes(pending));
                    landed.incrementAndGet();
                    pending = -1;
                } catch (KeeperException.BadVersionException e) {
                    // Our earlier attempt landed after all and its reply was lost; the next read counts it.
                    failedAttempts.incrementAndGet();
                    continue;
                } catch (Exception e) {
                    failedAttempts.incrementAndGet();
                    continue;
                }
                long now = System.nanoTime();
                longestPauseNanos.accumulateAndGet(now - lastLanded, Math::max);
                lastLanded = now;
            }
        }
    }

    /** The summary lines printed at the end. */
    static List<String> summary(Result r) {
        return List.of(
                "Writes landed:      " + r.landed() + " (counter reads " + r.counter() + ": "
                        + (r.exactlyOnce() ? "every write exactly once" : "MISMATCH") + ")",
                "While leader down:  " + r.landedWhileDown() + " writes landed on the remaining servers",
                "Retried attempts:   " + r.failedAttempts(),
                "Leader:             " + r.leaderBefore() + " stopped, " + r.leaderAfter() + " leads now",
                "Longest pause:      " + r.longestPause().toMillis() + " ms between two landed writes",
                "Elapsed:            " + r.elapsed().toMillis() + " ms");
    }
}
