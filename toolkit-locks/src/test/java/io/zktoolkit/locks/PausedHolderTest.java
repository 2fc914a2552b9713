package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.it.harness.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hole in plain ZooKeeper locks, and the toolkit's fence over it: a holder frozen (GC pause,
 * SIGSTOP) past its session timeout still believes it holds the lock when it runs again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PausedHolderTest {
    private static final String FRESH = "write from the new holder";
    private static final int SESSION_MS = 1500;

    @TempDir
    Path dir;

    @Test
    void aPausedHoldersLateWriteIsRejectedByTheFenceAndGetsThroughAPlainCuratorMutex() throws Exception {
        try (EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().tickTime(Duration.ofMillis(200)).build()) {
            ensemble.start();
            try (ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                    .set(ToolkitKeys.CONNECT, ensemble.connectString()).build())) {
                zk.curator().create().creatingParentsIfNeeded().forPath("/resource/fenced", "initial".getBytes(StandardCharsets.UTF_8));
                zk.curator().create().creatingParentsIfNeeded().forPath("/resource/plain", "initial".getBytes(StandardCharsets.UTF_8));

                // fenced: the late write is rejected and the new holder's write stands
                String fenced = runScenario(zk, ensemble, "fenced", "/resource/fenced");
                assertThat(fenced).startsWith("WRITE REJECTED: Write rejected: lock /locks/fenced-lock");
                assertThat(read(zk, "/resource/fenced")).isEqualTo(FRESH);

                // plain Curator: the same scenario lets the stale write overwrite the new holder's
                String plain = runScenario(zk, ensemble, "plain", "/resource/plain");
                assertThat(plain).isEqualTo("WRITE ACCEPTED");
                assertThat(read(zk, "/resource/plain")).isEqualTo("stale write from the paused holder");
            }
        }
    }

    private String runScenario(ToolkitClient zk, EmbeddedEnsemble ensemble, String mode, String resource) throws Exception {
        Path trigger = dir.resolve(mode + ".go");
        String lockName = mode + "-lock";
        try (ChildJvm holder = ChildJvm.builder(PausedHolderMain.class.getName()).name(mode + "-holder")
                .jvmOption("-Xmx128m")
                .args(ensemble.connectString(), lockName, mode, resource, trigger.toString(), Integer.toString(SESSION_MS))
                .start()) {
            String acquired = holder.awaitLine(l -> l.startsWith("ACQUIRED"), Duration.ofSeconds(60));
            holder.pause();
            try {
                // the frozen holder's session expires; only then does the lock come free
                if (mode.equals("fenced")) {
                    long oldToken = Long.parseLong(acquired.substring("ACQUIRED token=".length()));
                    try (LockLease lease = FencedMutex.named(zk, lockName).acquire(Duration.ofSeconds(60)).orElseThrow()) {
                        assertThat(lease.token()).isGreaterThan(oldToken);
                        lease.fencedSetData(resource, FRESH.getBytes(StandardCharsets.UTF_8));
                    }
                } else {
                    InterProcessMutex mutex = new InterProcessMutex(zk.curator(), FencedMutex.ROOT + "/" + lockName);
                    assertThat(mutex.acquire(60, TimeUnit.SECONDS)).isTrue();
                    zk.curator().setData().forPath(resource, FRESH.getBytes(StandardCharsets.UTF_8));
                    mutex.release();
                }
                assertThat(read(zk, resource)).isEqualTo(FRESH);
                Files.createFile(trigger);
            } finally {
                holder.resume();
            }
            return holder.awaitLine(l -> l.startsWith("WRITE"), Duration.ofSeconds(60));
        }
    }

    private static String read(ToolkitClient zk, String path) throws Exception {
        return new String(zk.curator().getData().forPath(path), StandardCharsets.UTF_8);
    }
}
