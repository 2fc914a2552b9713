package io.zktoolkit.it.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ParentWatch;
import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Increment;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * Child-JVM main for {@link FencedCounterUnderFaultsIT}: one client of the {@link FencedCounter}.
 * Until the stop file appears it takes the lock, increments the counter 1 to 4 times under that
 * lease, and lets go. Every write it sends goes into its ledger file as an {@link Attempt}, flushed
 * at once; lock events go there too, for the reader of a failure.
 *
 * <p>It does not call {@code checkHeld()} before a write. A pause can fall between that check and the
 * write (which is what the check cannot cover), so this client leaves every stale write to the fence,
 * which must reject it. Arguments: connect string, client id, ledger file, stop file, session timeout
 * in ms.
 */
public final class FencedCounterClientMain {
    /**
     * Pretend work before each increment, while holding the lock. It is most of a holder's time, so a
     * pause of the holder usually lands here, before its next write, rather than inside a request.
     */
    private static final Duration WORK = Duration.ofMillis(30);
    private static final int MAX_INCREMENTS_PER_LEASE = 4;
    private static final Duration ACQUIRE_WAIT = Duration.ofSeconds(5);
    private static final Duration AFTER_FAILURE = Duration.ofMillis(100);

    private final ToolkitClient zk;
    private final String clientId;
    private final BufferedWriter ledger;
    private final Random random;
    private long seq;

    private FencedCounterClientMain(ToolkitClient zk, String clientId, BufferedWriter ledger) {
        this.zk = zk;
        this.clientId = clientId;
        this.ledger = ledger;
        this.random = new Random(clientId.hashCode());
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.haltWhenParentExits();
        String clientId = args[1];
        Path stop = Path.of(args[3]);
        try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                        .set(ToolkitKeys.CONNECT, args[0])
                        .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[4])))
                        .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(100))
                        .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofSeconds(1))
                        .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                        .build());
                BufferedWriter ledger = Files.newBufferedWriter(Path.of(args[2]), UTF_8)) {
            FencedCounterClientMain client = new FencedCounterClientMain(zk, clientId, ledger);
            FencedMutex mutex = new FencedMutex(zk.curator(), FencedMutex.ROOT + "/" + FencedCounter.LOCK_NAME,
                    Holder.current("fenced-counter " + clientId));
            System.out.println("READY " + clientId);
            System.out.flush();
            while (!Files.exists(stop)) {
                client.holdOnce(mutex);
            }
        }
        System.out.println("DONE " + clientId);
        System.out.flush();
        System.exit(0);
    }

    /**
     * Starts a client JVM.
     *
     * @param ledger where it writes its attempts
     * @param stop the file whose appearance ends it
     * @param session its session timeout
     */
    static ChildJvm start(String connectString, String clientId, Path ledger, Path stop, Duration session) {
        return ClientJvms.builder(FencedCounterClientMain.class, "client-" + clientId)
                .args(connectString, clientId, ledger.toString(), stop.toString(), Long.toString(session.toMillis()))
                .start();
    }

    /** Takes the lock, increments under it until done or a write fails, lets go. */
    private void holdOnce(FencedMutex mutex) throws IOException, InterruptedException {
        Optional<LockLease> acquired;
        try {
            acquired = mutex.acquire(ACQUIRE_WAIT);
        } catch (LockLostException e) {
            note("ACQUIRE_FAILED " + e.getMessage());
            Thread.sleep(AFTER_FAILURE.toMillis());
            return;
        }
        if (acquired.isEmpty()) {
            return;
        }
        try (LockLease lease = acquired.get()) {
            note("ACQUIRED " + lease.token());
            int planned = 1 + random.nextInt(MAX_INCREMENTS_PER_LEASE);
            for (int i = 0; i < planned; i++) {
                Thread.sleep(WORK.toMillis());
                long value;
                try {
                    value = FencedCounter.read(zk.curator());
                } catch (Exception e) {
                    // Nothing was sent, so there is no outcome to account for.
                    note("READ_FAILED " + e);
                    return;
                }
                Increment increment = new Increment(clientId, ++seq, lease.token());
                // Noted first, so that a kill -9 during the write still leaves the attempt in the ledger.
                note(new Attempt(FencedCounter.Outcome.SENT, increment, "").line());
                Attempt attempt = FencedCounter.write(zk.curator(), lease, value + 1, increment);
                note(attempt.line());
                if (attempt.outcome() != FencedCounter.Outcome.ACKED) {
                    return;
                }
            }
        } finally {
            note("RELEASED");
        }
    }

    private void note(String line) throws IOException {
        ledger.write(line.replace('\n', ' '));
        ledger.newLine();
        // Flushed per line: if this JVM dies, the test still sees every outcome it learnt.
        ledger.flush();
    }
}
