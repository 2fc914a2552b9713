package io.zktoolkit.recovery.failover;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A {@link Fencer} that keeps the active's epoch in a znode: each new active raises it to its own
 * token before acting, in a write fenced by its leadership and conditioned on the epoch's
 * version, so the epoch only goes up. A resource (or the old active itself, before each side
 * effect) refuses work whose token is below {@link #current()}: an active paused past its session
 * wakes up to find the epoch moved past it.
 */
public final class EpochFence implements Fencer {
    private final CuratorFramework curator;
    private final String path;

    /** An epoch kept at {@code path} (for example {@code /failover/streaming/epoch}). */
    public EpochFence(CuratorFramework curator, String path) {
        this.curator = curator;
        this.path = path;
    }

    /** The node holding the epoch. */
    public String path() {
        return path;
    }

    /**
     * The epoch: the token of the latest active, if any ever raised it.
     *
     * @throws CorruptSyncDataException when the node holds something else
     */
    public OptionalLong current() {
        try {
            byte[] data = curator.getData().forPath(path);
            return OptionalLong.of(parse(data));
        } catch (KeeperException.NoNodeException e) {
            return OptionalLong.empty();
        } catch (CorruptSyncDataException e) {
            throw e;
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "read the epoch at " + path);
            throw new IllegalStateException("Could not read the epoch at " + path + ": " + e, e);
        }
    }

    /**
     * Throws unless {@code token} is still the epoch: a cheap guard before a side effect of an
     * active that may have been replaced while paused.
     *
     * @throws LockLostException naming both tokens when a newer active raised the epoch
     */
    public void check(long token) {
        OptionalLong now = current();
        if (now.isPresent() && now.getAsLong() != token) {
            throw new LockLostException("Fenced: the epoch at " + path + " is " + now.getAsLong()
                    + ", raised by a newer active; this active's token is " + token);
        }
    }

    @Override
    public void fence(Breadcrumb previous, Leadership next) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            Stat stat = new Stat();
            long stored;
            try {
                stored = parse(curator.getData().storingStatIn(stat).forPath(path));
            } catch (KeeperException.NoNodeException e) {
                stat = null;
                stored = Long.MIN_VALUE;
            }
            if (stored >= next.token()) {
                throw new LockLostException("Epoch at " + path + " is already " + stored + ", not below this leader's token "
                        + next.token() + ": a newer active exists");
            }
            byte[] data = Long.toString(next.token()).getBytes(StandardCharsets.UTF_8);
            CuratorOp op = stat == null
                    ? curator.transactionOp().create().forPath(path, data)
                    : curator.transactionOp().setData().withVersion(stat.getVersion()).forPath(path, data);
            if (stat == null) {
                createParents();
            }
            try {
                next.fencedWrite(List.of(op));
                return;
            } catch (LockLostException e) {
                if (next.state() != io.zktoolkit.locks.FencedOwnership.State.HELD) {
                    throw e;
                }
                // Raced another writer of the epoch; read again.
            }
        }
        throw new IllegalStateException("Could not raise the epoch at " + path + " after 10 attempts");
    }

    private void createParents() throws Exception {
        String parent = org.apache.curator.utils.ZKPaths.getPathAndNode(path).getPath();
        try {
            curator.create().creatingParentContainersIfNeeded().forPath(parent);
        } catch (KeeperException.NodeExistsException e) {
            // There already.
        }
    }

    private long parse(byte[] data) {
        String text = StoredText.decode(path, data).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CorruptSyncDataException(path, "expected an epoch (a number), found '" + StoredText.abbreviate(text) + "'");
        }
    }
}
