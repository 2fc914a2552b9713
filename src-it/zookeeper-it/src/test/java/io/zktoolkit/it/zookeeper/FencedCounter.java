package io.zktoolkit.it.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zktoolkit.it.harness.SyncedRead;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The resource of {@link FencedCounterUnderFaultsIT}, built so that an audit can check it: a counter
 * znode, and for every increment a record node written in the same fenced transaction, naming the
 * lease's token, the client and the client's own sequence number. The records' creation zxids give
 * the order in which ZooKeeper committed the increments.
 *
 * <p>A record's name is its client and sequence number, so an increment can commit at most once: when
 * Curator retries a transaction whose first attempt committed but whose reply was lost with the
 * connection, the retry fails on the existing record instead of counting twice. The counter itself is
 * a plain read-modify-write that only the lock protects, so any break in mutual exclusion shows as a
 * lost increment (counter below the number of records).
 */
final class FencedCounter {
    /** The counter, under the clients' namespace. */
    static final String COUNTER = "/fenced-counter/value";
    /** One child per committed increment. */
    static final String RECORDS = "/fenced-counter/records";
    /** The {@code FencedMutex} guarding the counter, under {@code FencedMutex.ROOT}. */
    static final String LOCK_NAME = "fenced-counter";

    private FencedCounter() {
    }

    /** One increment as its client numbered it, under the token of the lease it was written with. */
    record Increment(String client, long seq, long token) {
        Increment {
            if (client.isEmpty() || client.contains(" ") || client.contains("-")) {
                throw new IllegalArgumentException("client ids are one word without '-': " + client);
            }
        }

        /** The record node's name: unique per client and sequence number. */
        String nodeName() {
            return client + "-" + String.format(Locale.ROOT, "%010d", seq);
        }

        /** The node name and the token, for messages. */
        @Override
        public String toString() {
            return nodeName() + " (token " + token + ")";
        }

        byte[] encode() {
            return (client + " " + seq + " " + token).getBytes(UTF_8);
        }

        /** Reads a record node, checking that its data agrees with its name. */
        static Increment decode(String nodeName, byte[] data) {
            String[] parts = new String(data, UTF_8).split(" ");
            Increment increment = new Increment(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            if (!increment.nodeName().equals(nodeName)) {
                throw new IllegalStateException("record " + nodeName + " holds " + increment);
            }
            return increment;
        }
    }

    /** What a client learnt of one write it sent. */
    enum Outcome {
        /** ZooKeeper acknowledged the transaction: it committed. */
        ACKED,
        /**
         * Rejected by the fence: the lease's lock node was gone. Usually nothing was written, but
         * when an earlier attempt of the same transaction committed before the connection dropped
         * and the session then expired, Curator's retry is what the fence rejected; so the audit
         * treats this like {@link #UNKNOWN} and looks it up.
         */
        FENCED,
        /** The request failed in a way that does not say whether it committed (connection lost, retry). */
        UNKNOWN,
        /**
         * Noted just before the write is sent, and superseded by the outcome noted after it. A ledger whose
         * last word on an increment is this one belongs to a client killed mid-write: the audit looks it up.
         */
        SENT
    }

    /**
     * One write a client sent and what it learnt of it, as one line of the client's ledger file.
     *
     * @param detail why the outcome is not {@link Outcome#ACKED}, one line; empty otherwise
     */
    record Attempt(Outcome outcome, Increment increment, String detail) {
        String line() {
            return outcome + " " + increment.client() + " " + increment.seq() + " " + increment.token()
                    + (detail.isEmpty() ? "" : " " + detail.replace('\n', ' '));
        }

        /** Parses a ledger line, or returns null for a line that is not an attempt. */
        static Attempt parse(String line) {
            String[] parts = line.split(" ", 5);
            Outcome outcome;
            try {
                outcome = Outcome.valueOf(parts[0]);
            } catch (IllegalArgumentException notAnAttempt) {
                return null;
            }
            return new Attempt(outcome, new Increment(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3])),
                    parts.length == 5 ? parts[4] : "");
        }

        /** Every attempt in a client's ledger file, skipping its other lines (lock events). */
        static List<Attempt> readLedger(Path ledger) throws IOException {
            return Files.readAllLines(ledger).stream().map(Attempt::parse).filter(Objects::nonNull).toList();
        }
    }

    /** Creates the counter at 0 and the records' parent. */
    static void create(CuratorFramework curator) throws Exception {
        curator.create().creatingParentsIfNeeded().forPath(COUNTER, "0".getBytes(UTF_8));
        curator.create().creatingParentsIfNeeded().forPath(RECORDS);
    }

    /** The counter's value as this client's server has it. */
    static long read(CuratorFramework curator) throws Exception {
        return Long.parseLong(new String(curator.getData().forPath(COUNTER), UTF_8));
    }

    /** The counter's value after a sync, so that it holds every committed increment. */
    static long readSynced(CuratorFramework curator) throws Exception {
        SyncedRead.sync(curator, COUNTER);
        return read(curator);
    }

    /** Every record node with the zxid that created it, after a sync. */
    static List<CounterAudit.Committed> readRecords(CuratorFramework curator) throws Exception {
        SyncedRead.sync(curator, RECORDS);
        List<CounterAudit.Committed> records = new ArrayList<>();
        for (String name : curator.getChildren().forPath(RECORDS)) {
            Stat stat = new Stat();
            byte[] data = curator.getData().storingStatIn(stat).forPath(RECORDS + "/" + name);
            records.add(new CounterAudit.Committed(Increment.decode(name, data), stat.getCzxid()));
        }
        return records;
    }

    /**
     * Sets the counter to {@code value} and adds the increment's record, in one transaction fenced by
     * {@code lease}.
     */
    static Attempt write(CuratorFramework curator, LockLease lease, long value, Increment increment) {
        try {
            lease.fencedWrite(List.of(
                    curator.transactionOp().setData().forPath(COUNTER, Long.toString(value).getBytes(UTF_8)),
                    curator.transactionOp().create().forPath(RECORDS + "/" + increment.nodeName(), increment.encode())));
            return new Attempt(Outcome.ACKED, increment, "");
        } catch (LockLostException e) {
            Outcome outcome = e.getCause() instanceof KeeperException.NoNodeException ? Outcome.FENCED : Outcome.UNKNOWN;
            return new Attempt(outcome, increment, String.valueOf(e.getCause()));
        } catch (Exception e) {
            return new Attempt(Outcome.UNKNOWN, increment, e.toString());
        }
    }
}
