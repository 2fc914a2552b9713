package io.zktoolkit.it.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.ProcessEnsemble;
import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Outcome;
import io.zktoolkit.locks.FencedMutex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safety of {@link FencedMutex} under real faults. Three clients, each in its own JVM, increment a
 * {@link FencedCounter} under one fenced mutex while {@link CounterFaults} kills servers of a 3-server
 * ensemble with kill -9 and restarts them, takes the quorum away once, and freezes the lock holder past
 * its session timeout. Afterwards a {@link CounterAudit} checks that no write was accepted out of token
 * order, no increment was lost, every outcome a client could not know is accounted for, and every
 * client got work done.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FencedCounterUnderFaultsIT {
    private static final int CLIENTS = 3;
    private static final Duration SESSION = Duration.ofSeconds(2);
    /** Past the session timeout, the tick that expires it, and a new holder's first writes. */
    private static final Duration HOLDER_PAUSE = SESSION.plusSeconds(2);
    private static final Duration FAULT_PHASE = Duration.ofSeconds(30);
    private static final Duration CLIENT_START = Duration.ofSeconds(60);
    private static final Duration CLIENT_STOP = Duration.ofSeconds(60);
    private static final String LOCK_PATH = FencedMutex.ROOT + "/" + FencedCounter.LOCK_NAME;

    @TempDir
    Path dir;

    @Test
    void fencedIncrementsStayInTokenOrderAndNoneIsLostWhileServersDieAndHoldersFreeze() throws Exception {
        long started = System.nanoTime();
        Path stop = dir.resolve("stop");
        List<ChildJvm> clients = new ArrayList<>();
        try (ProcessEnsemble ensemble = ProcessEnsemble.start(3);
                ToolkitClient observer = ToolkitClient.open(ToolkitSettings.builder()
                        .set(ToolkitKeys.CONNECT, ensemble.connectString())
                        .set(ToolkitKeys.RETRY_MAX_RETRIES, 29)
                        .build())) {
            FencedCounter.create(observer.curator());
            CounterFaults faults;
            try {
                for (int i = 1; i <= CLIENTS; i++) {
                    clients.add(FencedCounterClientMain.start(ensemble.connectString(), "c" + i, ledger(i), stop, SESSION));
                }
                for (ChildJvm client : clients) {
                    client.awaitLine(line -> line.startsWith("READY"), CLIENT_START);
                }
                faults = new CounterFaults(ensemble, observer, LOCK_PATH, clients, HOLDER_PAUSE, System.nanoTime());
                faults.runFor(FAULT_PHASE);

                ensemble.awaitQuorum(Duration.ofSeconds(30));
                Files.createFile(stop);
                for (ChildJvm client : clients) {
                    assertThat(client.waitForExit(CLIENT_STOP)).as(client.recentOutput()).isZero();
                }
            } finally {
                clients.forEach(ChildJvm::close);
            }

            CounterAudit audit = CounterAudit.of(FencedCounter.readSynced(observer.curator()),
                    FencedCounter.readRecords(observer.curator()), attempts());
            System.out.println(summary(audit, faults, started));

            // Soft: a broken run reports every kind of damage at once, not only the first found.
            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(audit.tokenOrderViolations()).as("writes accepted out of token order").isEmpty();
                softly.assertThat(audit.lostIncrements()).as("lost increments").isEmpty();
                softly.assertThat(audit.unexplainedRecords()).as("records no client's ledger explains").isEmpty();
                softly.assertThat(audit.acknowledgedPerClient()).as("acknowledged increments per client")
                        .containsOnlyKeys("c1", "c2", "c3")
                        .allSatisfy((client, acknowledged) -> assertThat(acknowledged).isPositive());
                softly.assertThat(faults.serverKills()).as("servers killed").isGreaterThanOrEqualTo(4);
                softly.assertThat(faults.leaderKills()).as("leaders killed").isGreaterThanOrEqualTo(2);
                softly.assertThat(faults.serverRestarts()).as("servers restarted").isEqualTo(faults.serverKills());
                softly.assertThat(faults.quorumLosses()).as("losses of quorum").isEqualTo(1);
                softly.assertThat(faults.holderPauses()).as("lock holders frozen past their session")
                        .isGreaterThanOrEqualTo(2);
                // A frozen holder wakes up in the middle of its work and writes: the fence must have refused that.
                softly.assertThat(audit.notCommitted(Outcome.FENCED)).as("stale writes the fence rejected").isPositive();
            });
        }
    }

    private Path ledger(int client) {
        return dir.resolve("c" + client + ".ledger");
    }

    private List<Attempt> attempts() throws Exception {
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 1; i <= CLIENTS; i++) {
            attempts.addAll(Attempt.readLedger(ledger(i)));
        }
        return attempts;
    }

    private static String summary(CounterAudit audit, CounterFaults faults, long startedNanos) {
        return String.format(Locale.ROOT, """
                Fenced counter under faults: %d increments committed, acknowledged per client %s
                  outcomes the clients could not know: %d unknown (%d committed), %d rejected by the fence (%d committed)
                  %d tokens, %d lock hand-offs between writers
                  faults: %d kill -9 of a server (%d of the leader), %d restarts, %d loss of quorum, %d lock holders frozen for %d ms (session %d ms)
                  %d s in all
                %s""",
                audit.committed(), audit.acknowledgedPerClient(),
                audit.committed(Outcome.UNKNOWN) + audit.notCommitted(Outcome.UNKNOWN), audit.committed(Outcome.UNKNOWN),
                audit.committed(Outcome.FENCED) + audit.notCommitted(Outcome.FENCED), audit.committed(Outcome.FENCED),
                audit.tokens(), audit.handOffs(),
                faults.serverKills(), faults.leaderKills(), faults.serverRestarts(), faults.quorumLosses(),
                faults.holderPauses(), HOLDER_PAUSE.toMillis(), SESSION.toMillis(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos),
                String.join("\n", faults.timeline().stream().map(line -> "  " + line).toList()));
    }
}
