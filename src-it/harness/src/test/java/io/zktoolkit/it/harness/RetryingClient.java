package io.zktoolkit.it.harness;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;

/**
 * A plain Curator client for the harness's own tests, whose operations keep retrying across server
 * crashes until a deadline, as an application would.
 */
final class RetryingClient implements AutoCloseable {

    private static final Duration PAUSE_BETWEEN_ATTEMPTS = Duration.ofMillis(100);

    private final CuratorFramework curator;

    private RetryingClient(CuratorFramework curator) {
        this.curator = curator;
    }

    /** Connects with a 10 s session, failing the test if no server accepts within 20 s. */
    static RetryingClient connect(String connectString) throws InterruptedException {
        CuratorFramework curator = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryNTimes(3, 200))
                .build();
        curator.start();
        if (!curator.blockUntilConnected(20, TimeUnit.SECONDS)) {
            curator.close();
            throw new AssertionError("No server of " + connectString + " accepted a connection within 20 s");
        }
        return new RetryingClient(curator);
    }

    /** Creates or overwrites a node, retrying until the ensemble acknowledges; returns how long it took. */
    Duration write(String path, String value, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        eventually("write " + value + " to " + path, timeout, () -> {
            curator.create().orSetData().creatingParentsIfNeeded().forPath(path, value.getBytes(UTF_8));
            return true;
        }, written -> written);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Reads a node until it holds the expected value. */
    void awaitValue(String path, String expected, Duration timeout) throws InterruptedException {
        eventually("read " + expected + " from " + path, timeout, () -> read(path), expected::equals);
    }

    String read(String path) throws Exception {
        return new String(curator.getData().forPath(path), UTF_8);
    }

    private static <T> void eventually(String what, Duration timeout, Callable<T> attempt, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object lastOutcome = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                T result = attempt.call();
                if (done.test(result)) {
                    return;
                }
                lastOutcome = result;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // Connection loss and session moves are expected while servers die; try again.
                lastOutcome = e;
            }
            Thread.sleep(PAUSE_BETWEEN_ATTEMPTS.toMillis());
        }
        AssertionError failure = new AssertionError("Could not " + what + " within " + timeout + "; last outcome: " + lastOutcome);
        if (lastOutcome instanceof Throwable cause) {
            failure.initCause(cause);
        }
        throw failure;
    }

    @Override
    public void close() {
        curator.close();
    }
}
