package io.zktoolkit.locks;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A counting semaphore across processes (Curator's {@code InterProcessSemaphoreV2}): at most
 * {@code maxLeases} leases are out at once, for example concurrent imports against one source
 * database. Each lease is a {@link SemaphoreLease} with its own fencing token and fenced writes,
 * and a holder whose session ends has its leases freed by ZooKeeper and marked lost here (the
 * failure mode of CURATOR-595).
 */
public final class FencedSemaphore {
    /** Where named semaphores live, under the client's namespace. */
    public static final String ROOT = "/semaphores";
    private static final Logger LOG = LoggerFactory.getLogger(FencedSemaphore.class);

    private final CuratorFramework curator;
    private final String path;
    private final InterProcessSemaphoreV2 semaphore;

    /** A semaphore of {@code maxLeases} at {@code path}, whose lease nodes name {@code holder}. */
    public FencedSemaphore(CuratorFramework curator, String path, int maxLeases, Holder holder) {
        if (maxLeases < 1) {
            throw new IllegalArgumentException("maxLeases must be at least 1, got " + maxLeases + " for " + path);
        }
        this.curator = Objects.requireNonNull(curator, "curator");
        this.path = PathUtils.validatePath(path);
        this.semaphore = new InterProcessSemaphoreV2(curator, path, maxLeases);
        this.semaphore.setNodeData(holder.encode());
    }

    /** A semaphore named {@code name} under {@value #ROOT}, held as {@link Holder#current()}. */
    public static FencedSemaphore named(ToolkitClient client, String name, int maxLeases) {
        return new FencedSemaphore(client.curator(), ROOT + "/" + name, maxLeases, Holder.current());
    }

    /** The semaphore's path. */
    public String path() {
        return path;
    }

    /**
     * Waits up to {@code timeout} for {@code count} leases, all or none.
     *
     * @return the leases, or an empty list when the wait timed out
     */
    public List<SemaphoreLease> acquire(int count, Duration timeout) {
        Collection<Lease> leases;
        try {
            leases = semaphore.acquire(count, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LockLostException("Interrupted while waiting for semaphore " + path, e);
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "acquire " + count + " lease(s) of semaphore " + path);
            throw new LockLostException("Could not acquire " + count + " lease(s) of semaphore " + path + ": " + e, e);
        }
        if (leases == null) {
            return List.of();
        }
        List<SemaphoreLease> out = new ArrayList<>();
        for (Lease lease : leases) {
            String node = ZKPaths.makePath(path, "leases/" + lease.getNodeName());
            out.add(new SemaphoreLease(this, lease, node, tokenOf(node)));
        }
        return out;
    }

    private long tokenOf(String node) {
        try {
            Stat stat = curator.checkExists().forPath(node);
            return stat == null ? 0 : stat.getCzxid();
        } catch (Exception e) {
            throw new LockLostException("Could not read lease " + node + " of semaphore " + path + ": " + e, e);
        }
    }

    CuratorFramework curator() {
        return curator;
    }

    /** One lease of a {@link FencedSemaphore}. */
    public static final class SemaphoreLease extends FencedOwnership {
        private final Lease lease;

        SemaphoreLease(FencedSemaphore semaphore, Lease lease, String nodePath, long token) {
            super(semaphore.curator(), "lease of semaphore " + semaphore.path(), nodePath, token);
            this.lease = lease;
        }

        @Override
        void onRelease() {
            try {
                lease.close();
            } catch (IOException | RuntimeException e) {
                // Curator's guaranteed delete keeps trying in the background once the connection is back.
                LOG.warn("Returning {} failed: {}", description(), e.toString());
            }
        }
    }
}
