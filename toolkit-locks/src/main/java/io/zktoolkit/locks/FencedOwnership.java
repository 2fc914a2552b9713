package io.zktoolkit.locks;

import io.zktoolkit.config.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ownership of something in ZooKeeper (a lock, a leadership) that rests on an ephemeral node:
 * its fencing token, whether it is still held, and writes that ZooKeeper applies only while it is.
 *
 * <p><b>Design.</b> Ownership lasts while its ephemeral node exists. ZooKeeper deletes that
 * node when the holder's session ends, including when the holder was paused (GC, SIGSTOP) past
 * its session timeout and has not noticed yet. So:
 * <ul>
 *   <li>{@link #fencedSetData} and {@link #fencedWrite} send the write in one transaction with a
 *       check that the lock node still exists: a holder that lost the lock, noticed or not, has
 *       its write rejected with nothing changed;</li>
 *   <li>{@link #token()} goes with writes to resources outside ZooKeeper, which keep the highest
 *       token they accepted and refuse lower ones ({@link FencingTokenGuard});</li>
 *   <li>{@link #checkHeld()} is a cheap local check before each side effect. A suspended
 *       connection puts the lease {@link State#IN_DOUBT in doubt}: with
 *       {@code zk.ownership.lost.on=suspended} (the default) that already counts as lost; with
 *       {@code lost} only a lost session does. A reconnection that finds the node again makes it
 *       {@link State#HELD held} again.</li>
 * </ul>
 */
public abstract class FencedOwnership implements AutoCloseable {
    /** Ownership as this process knows it. */
    public enum State {
        /** The lock node exists and the connection is up. */
        HELD,
        /** The connection is suspended: the session, and with it the lock, may be gone. */
        IN_DOUBT,
        /** The session was lost, or the node was found gone: the lock belongs to someone else now. */
        LOST,
        /** Released by its holder. */
        RELEASED
    }

    private static final Logger LOG = LoggerFactory.getLogger(FencedOwnership.class);

    private final CuratorFramework curator;
    private final String description;
    private final String nodePath;
    private final long token;
    private final List<OwnershipListener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionStateListener connectionListener = this::connectionChanged;
    private volatile State state = State.HELD;

    /**
     * @param description what is owned, for messages, for example "lock /locks/orders"
     * @param nodePath the ephemeral node whose existence is the ownership
     * @param token the node's creation zxid
     */
    FencedOwnership(CuratorFramework curator, String description, String nodePath, long token) {
        this.curator = curator;
        this.description = description;
        this.nodePath = nodePath;
        this.token = token;
        curator.getConnectionStateListenable().addListener(connectionListener);
    }

    /** The fencing token: higher than that of every earlier holder of this lock. */
    public long token() {
        return token;
    }

    /** What is owned, for example {@code lock /locks/orders}. */
    public String description() {
        return description;
    }

    /** The ephemeral node whose existence is the ownership. */
    public String nodePath() {
        return nodePath;
    }

    /** Current ownership state. */
    public State state() {
        return state;
    }

    /** Adds a listener for ownership changes. */
    public void addListener(OwnershipListener listener) {
        listeners.add(listener);
    }

    /**
     * Throws unless the lease may act: held, or in doubt while the connection policy only counts
     * a lost session as loss. No ZooKeeper round trip.
     *
     * @throws LockLostException naming the lock and the state
     */
    public void checkHeld() {
        State now = state;
        boolean suspendedIsLoss = curator().getConnectionStateErrorPolicy().isErrorState(ConnectionState.SUSPENDED);
        if (now == State.HELD || (now == State.IN_DOUBT && !suspendedIsLoss)) {
            return;
        }
        throw new LockLostException(capitalized() + " (token " + token + ") is " + now
                + (now == State.IN_DOUBT ? ": the connection to ZooKeeper is suspended and zk.ownership.lost.on=suspended" : ""));
    }

    /** Sets {@code path}'s data only if this lease still holds the lock. */
    public void fencedSetData(String path, byte[] data) {
        CuratorOp op;
        try {
            op = curator().transactionOp().setData().forPath(path, data);
        } catch (Exception e) {
            throw new IllegalArgumentException("Invalid path for a fenced write: " + path, e);
        }
        fencedWrite(List.of(op));
    }

    /**
     * Applies {@code ops} in one transaction with a check that this lease's lock node still
     * exists: all of them, or none when the lock was lost.
     *
     * @throws LockLostException when the lock node is gone, or another check in {@code ops}
     *         failed (the cause says which); nothing was written
     * @throws FencedWriteOutcomeUnknownException when the connection dropped or the thread was
     *         interrupted mid-call: the transaction was applied once or not at all
     */
    public void fencedWrite(List<CuratorOp> ops) {
        List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
        try {
            all.add(curator().transactionOp().check().forPath(nodePath));
            all.addAll(ops);
            curator().transaction().forOperations(all);
        } catch (KeeperException.NoNodeException e) {
            if (curatorNodeGone()) {
                markLost("its lock node is gone");
                throw new LockLostException("Write rejected: " + description + " (token " + token
                        + ") is no longer held by this holder (its node " + nodePath
                        + " is gone: the session expired or the lock was released). Nothing was written", e);
            }
            throw new IllegalArgumentException("Fenced write failed: a path in the transaction does not exist: "
                    + e.getPath(), e);
        } catch (KeeperException.NoAuthException e) {
            AccessDeniedException.throwIfDenied(e, "write under " + description + " (token " + token + ")", all);
        } catch (KeeperException.ConnectionLossException | KeeperException.OperationTimeoutException e) {
            throw outcomeUnknown(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw outcomeUnknown(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new LockLostException("Fenced write under " + description + " failed: " + e, e);
        }
    }

    private FencedWriteOutcomeUnknownException outcomeUnknown(Exception e) {
        return new FencedWriteOutcomeUnknownException("Fenced write under " + description + " (token " + token
                + ") may or may not have been applied (" + e + "); it was applied once or not at all."
                + " Read back before retrying", e);
    }

    /** Gives up ownership. Safe to call more than once. */
    public void release() {
        if (state == State.RELEASED) {
            return;
        }
        state = State.RELEASED;
        curator.getConnectionStateListenable().removeListener(connectionListener);
        onRelease();
    }

    /** Deletes the node (or has its recipe do so). */
    abstract void onRelease();

    /** Same as {@link #release()}. */
    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + description + ", token " + token + ", " + state + "]";
    }

    CuratorFramework curator() {
        return curator;
    }

    private String capitalized() {
        return Character.toUpperCase(description.charAt(0)) + description.substring(1);
    }

    private boolean curatorNodeGone() {
        try {
            return curator().checkExists().forPath(nodePath) == null;
        } catch (Exception e) {
            return true;
        }
    }

    /**
     * Follows the connection. Package-private so that a recipe which interrupts its holder on the
     * same event can apply it first: the interrupted holder's {@link #checkHeld()} then fails.
     */
    void connectionChanged(CuratorFramework client, ConnectionState newState) {
        switch (newState) {
            case SUSPENDED -> moveTo(State.IN_DOUBT);
            case LOST -> markLost("the ZooKeeper session was lost");
            case RECONNECTED -> {
                if (state == State.IN_DOUBT) {
                    moveTo(curatorNodeGone() ? State.LOST : State.HELD);
                }
            }
            default -> {
            }
        }
    }

    void markLost(String why) {
        if (state != State.RELEASED && state != State.LOST) {
            LOG.warn("{} (token {}) lost: {}", capitalized(), token, why);
            moveTo(State.LOST);
        }
    }

    /**
     * Marks the ownership lost and stops following the connection, without {@link #onRelease()}:
     * for a recipe that has already let go of the node itself, or never got to use it.
     */
    void abandon(String why) {
        markLost(why);
        curator.getConnectionStateListenable().removeListener(connectionListener);
    }

    private synchronized void moveTo(State next) {
        if (state == next || state == State.RELEASED || state == State.LOST) {
            return;
        }
        state = next;
        for (OwnershipListener listener : listeners) {
            try {
                listener.ownershipChanged(this, next);
            } catch (RuntimeException e) {
                LOG.error("Ownership listener {} failed for {}: {}", listener, this, e.toString());
            }
        }
    }
}
