package io.zktoolkit.recovery.spark;

import io.zktoolkit.locks.FencedWriteOutcomeUnknownException;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.failover.EpochFence;
import io.zktoolkit.recovery.failover.Takeover;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code foreachBatch} function that commits each micro-batch exactly once, and only under the
 * current active's token. Made by {@link ActiveRun#fencedSink} for one takeover.
 *
 * <p><b>Why exactly once.</b> Spark's checkpoint fixes which input each batch id covers (the
 * offset log is written before a batch runs) and runs a batch again after a restart until its
 * commit log entry is written, after this function returned: at least once per batch id, with
 * the same input. This sink makes it at most once: a znode per sink holds the last committed
 * batch id and the token that committed it, and a batch is committed by setting it, in a
 * transaction fenced by the leadership (the active's election node must still exist) and
 * conditioned on the znode's version. A batch id at or below the committed one is skipped (after
 * finishing the publish of the last one, which a crash may have cut short).
 *
 * <p><b>Why a stale active cannot write.</b> An active paused past its session (GC, SIGSTOP)
 * wakes up with its election node gone: its commit is refused by ZooKeeper, whatever its own
 * threads believe, and its staged attempt is discarded. Before staging it also checks the
 * {@link EpochFence} (raised by every new active) and its leadership, to refuse early. An
 * outcome left unknown by a dropped connection or an interrupt (the query being stopped) is
 * resolved by reading the znode back after a sync, with the interrupt held back meanwhile, so
 * every attempt ends committed or refused, never in between.
 */
public final class FencedBatchSink implements VoidFunction2<Dataset<Row>, Long> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FencedBatchSink.class);
    private static final int ATTEMPTS = 5;

    private final transient CuratorFramework curator;
    private final transient Takeover takeover;
    private final transient EpochFence epoch;
    private final transient BatchOutput output;
    private final String path;
    /** An interrupt that arrived while a commit was being settled, restored once it is. */
    private transient boolean interruptHeld;

    /** What the sink's znode says: the last committed batch and the token that committed it. */
    private record Committed(long batchId, long token, int version) {
        static final Committed NONE = new Committed(-1, Long.MIN_VALUE, -1);
    }

    /** How a commit attempt ended. */
    private enum Outcome { COMMITTED, COMMITTED_BY_OTHER, REFUSED }

    FencedBatchSink(CuratorFramework curator, String path, Takeover takeover, EpochFence epoch, BatchOutput output) {
        this.curator = curator;
        this.path = path;
        this.takeover = takeover;
        this.epoch = epoch;
        this.output = output;
    }

    /** The znode holding the last committed batch id and its token. */
    public String path() {
        return path;
    }

    /** The token this sink commits with. */
    public long token() {
        return takeover.token();
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        long token = takeover.token();
        stillActive(batchId);
        Committed last = read(false);
        if (batchId <= last.batchId()) {
            if (batchId == last.batchId()) {
                output.publish(batchId, last.token()); // a crash may have cut the publish short
            }
            LOG.info("{}: batch {} was already committed (last committed {} by token {}); skipped", path, batchId,
                    last.batchId(), last.token());
            return;
        }
        output.stage(batch, batchId, token);
        interruptHeld = Thread.interrupted(); // the outcome is settled first, the interrupt honoured after
        try {
            Outcome outcome = commit(batchId, token);
            switch (outcome) {
                case COMMITTED -> {
                    output.publish(batchId, token);
                    LOG.info("{}: committed batch {} with token {}", path, batchId, token);
                }
                case COMMITTED_BY_OTHER -> {
                    output.discard(batchId, token);
                    Committed now = settledRead();
                    output.publish(batchId, now.token());
                    LOG.info("{}: batch {} was committed meanwhile by token {}; ours discarded", path, batchId, now.token());
                }
                case REFUSED -> {
                    output.discard(batchId, token);
                    Committed now = settledRead();
                    throw new BatchRefusedException(batchId, token, "a newer active took over (the sink at " + path
                            + " last committed batch " + now.batchId() + " with token " + now.token() + ", the epoch is "
                            + epochText() + "); nothing of this attempt was published", null);
                }
                default -> throw new IllegalStateException(outcome.toString());
            }
        } finally {
            if (interruptHeld || Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stillActive(long batchId) {
        try {
            epoch.check(takeover.token());
            takeover.leadership().checkHeld();
        } catch (LockLostException e) {
            throw new BatchRefusedException(batchId, takeover.token(), e.getMessage(), e);
        }
    }

    private Outcome commit(long batchId, long token) throws Exception {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Committed last = settledRead();
            if (last.batchId() >= batchId) {
                return decide(last, batchId, token);
            }
            try {
                takeover.leadership().fencedWrite(List.of(write(last, batchId, token)));
                return Outcome.COMMITTED;
            } catch (FencedWriteOutcomeUnknownException e) {
                interruptHeld |= Thread.interrupted(); // the read-back must run
                LOG.warn("{}: commit of batch {} had an unknown outcome ({}); reading back", path, batchId, e.toString());
            } catch (LockLostException e) {
                if (!(e.getCause() instanceof KeeperException.BadVersionException
                        || e.getCause() instanceof KeeperException.NodeExistsException)) {
                    // The election node is gone; an earlier attempt of ours may still have landed.
                    Committed now = settledRead();
                    return now.batchId() == batchId && now.token() == token ? Outcome.COMMITTED : Outcome.REFUSED;
                }
                // Another writer moved the znode: read it again.
            }
        }
        throw new IllegalStateException("Could not settle the commit of batch " + batchId + " at " + path + " after "
                + ATTEMPTS + " attempts");
    }

    private Outcome decide(Committed last, long batchId, long token) {
        if (last.batchId() == batchId && last.token() == token) {
            return Outcome.COMMITTED;
        }
        try {
            stillActive(batchId);
        } catch (BatchRefusedException e) {
            return Outcome.REFUSED;
        }
        return last.batchId() == batchId ? Outcome.COMMITTED_BY_OTHER : Outcome.REFUSED;
    }

    private CuratorOp write(Committed last, long batchId, long token) throws Exception {
        byte[] data = (batchId + "\n" + token).getBytes(StandardCharsets.UTF_8);
        if (last.version() < 0) {
            try {
                curator.create().creatingParentContainersIfNeeded().forPath(ZKPaths.getPathAndNode(path).getPath());
            } catch (KeeperException.NodeExistsException e) {
                // There already.
            }
            return curator.transactionOp().create().forPath(path, data);
        }
        return curator.transactionOp().setData().withVersion(last.version()).forPath(path, data);
    }

    /**
     * A synced read that neither an interrupt nor the end of the session cuts short: the outcome
     * of a commit must be known. A paused active typically wakes up to an expired session, which
     * Curator reports once before it opens a new one.
     */
    private Committed settledRead() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return read(true);
            } catch (InterruptedException e) {
                interruptHeld = true;
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            } catch (KeeperException.SessionExpiredException | KeeperException.ConnectionLossException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.debug("{}: reading back after {}", path, e.toString());
            }
        }
    }

    /** Reads the znode, after a sync when another session's write must be seen. */
    private Committed read(boolean synced) throws Exception {
        try {
            if (synced) {
                curator.sync().forPath(path); // ordered before the read on this session
            }
            Stat stat = new Stat();
            String text = StoredText.decode(path, curator.getData().storingStatIn(stat).forPath(path));
            String[] parts = text.split("\n", -1);
            try {
                if (parts.length == 2) {
                    return new Committed(Long.parseLong(parts[0]), Long.parseLong(parts[1]), stat.getVersion());
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CorruptSyncDataException(path, "expected a batch id and a token on two lines, found '"
                    + StoredText.abbreviate(text) + "'");
        } catch (KeeperException.NoNodeException e) {
            return Committed.NONE;
        }
    }

    private String epochText() {
        try {
            return epoch.current().isPresent() ? Long.toString(epoch.current().getAsLong()) : "not set";
        } catch (RuntimeException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }
}
