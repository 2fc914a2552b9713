package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;

/**
 * Child-JVM main for {@link PausedHolderTest}: takes a lock, waits for a trigger file, then
 * writes to a resource as the holder it believes it still is. Arguments: connect string, lock
 * name, mode ({@code fenced} or {@code plain}), resource path, trigger file, session timeout ms.
 */
public final class PausedHolderMain {
    private PausedHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        String lock = args[1];
        boolean fenced = args[2].equals("fenced");
        String resource = args[3];
        Path trigger = Path.of(args[4]);
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[5])))
                .set(ToolkitKeys.RETRY_BASE_SLEEP, Duration.ofMillis(50))
                .set(ToolkitKeys.RETRY_MAX_SLEEP, Duration.ofMillis(500))
                .build());
        byte[] stale = "stale write from the paused holder".getBytes(StandardCharsets.UTF_8);
        if (fenced) {
            LockLease lease = FencedMutex.named(zk, lock).acquire();
            say("ACQUIRED token=" + lease.token());
            awaitTrigger(trigger);
            try {
                lease.fencedSetData(resource, stale);
                say("WRITE ACCEPTED");
            } catch (LockLostException e) {
                say("WRITE REJECTED: " + e.getMessage());
            }
        } else {
            InterProcessMutex mutex = new InterProcessMutex(zk.curator(), FencedMutex.ROOT + "/" + lock);
            mutex.acquire();
            say("ACQUIRED");
            awaitTrigger(trigger);
            zk.curator().setData().forPath(resource, stale);
            say("WRITE ACCEPTED");
        }
        System.exit(0);
    }

    private static void awaitTrigger(Path trigger) throws InterruptedException {
        while (!Files.exists(trigger)) {
            Thread.sleep(20);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
