package io.zktoolkit.it.zookeeper;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.it.harness.ChildJvm;
import io.zktoolkit.it.harness.SyncedRead;
import io.zktoolkit.locks.LockInspector;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds the client JVM that holds a fenced mutex (by the pid its lock node names) and freezes it with
 * SIGSTOP, so that it wakes up believing it still holds a lock that has moved on.
 */
final class LockHolders {
    private static final int LOOKUPS = 20;

    private final ToolkitClient observer;
    private final String lockPath;
    private final Supplier<Collection<ChildJvm>> clients;

    /**
     * @param observer a client of the test's own, to read the lock
     * @param clients the client JVMs as of now (they may be replaced during a run)
     */
    LockHolders(ToolkitClient observer, String lockPath, Supplier<Collection<ChildJvm>> clients) {
        this.observer = observer;
        this.lockPath = lockPath;
        this.clients = clients;
    }

    /** The client whose lock node is first in line, as of a sync with the leader. */
    Optional<ChildJvm> holder() throws Exception {
        SyncedRead.sync(observer.curator(), lockPath);
        Optional<Long> pid = new LockInspector(observer).lock(lockPath).map(info -> info.holder().pid());
        return pid.flatMap(p -> clients.get().stream().filter(c -> c.isAlive() && c.pid() == p).findFirst());
    }

    /**
     * Freezes the holder for {@code pause}, then lets it run. The holder is looked up, frozen, and
     * looked up again: if it let go in between, it is let run at once and the lookup starts over.
     *
     * @return the name of the client frozen, or empty when no holder stayed put for 20 lookups
     */
    Optional<String> pauseHolder(Duration pause) throws Exception {
        for (int lookup = 0; lookup < LOOKUPS; lookup++) {
            Optional<ChildJvm> holder = holder();
            if (holder.isEmpty()) {
                Thread.sleep(50);
                continue;
            }
            ChildJvm client = holder.get();
            client.pause();
            try {
                if (holder().filter(client::equals).isPresent()) {
                    Thread.sleep(pause.toMillis());
                    return Optional.of(client.name());
                }
            } finally {
                client.resume();
            }
        }
        return Optional.empty();
    }
}
