package io.zktoolkit.it.zookeeper;

import io.zktoolkit.it.zookeeper.FencedCounter.Attempt;
import io.zktoolkit.it.zookeeper.FencedCounter.Increment;
import io.zktoolkit.it.zookeeper.FencedCounter.Outcome;
import io.zktoolkit.locks.FencingTokenGuard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a {@link FencedCounter} after a run against what its clients learnt: the records ZooKeeper
 * committed, in commit order, against every client's ledger of attempts.
 *
 * <p>Each check collects violations as sentences rather than stopping at the first, so that a failing
 * run says how much went wrong and where.
 */
final class CounterAudit {
    /** A record node as read back: the increment and the zxid that created it. */
    record Committed(Increment increment, long czxid) {
    }

    private final long counter;
    private final List<Committed> commitOrder;
    private final List<Attempt> attempts;

    private final List<String> tokenOrderViolations = new ArrayList<>();
    private final List<String> lostIncrements = new ArrayList<>();
    private final List<String> unexplainedRecords = new ArrayList<>();
    private final Map<String, Integer> acknowledgedPerClient = new TreeMap<>();
    private final Map<Outcome, int[]> committedAndNotByOutcome = new HashMap<>();
    private int tokens;
    private int handOffs;

    private CounterAudit(long counter, List<Committed> records, List<Attempt> attempts) {
        this.counter = counter;
        this.commitOrder = records.stream().sorted(Comparator.comparingLong(Committed::czxid)).toList();
        this.attempts = List.copyOf(attempts);
    }

    /**
     * Audits a run.
     *
     * @param counter the counter's final value
     * @param records every record node, in any order
     * @param attempts every line of every client's ledger that is an attempt, each client's in ledger order
     */
    static CounterAudit of(long counter, List<Committed> records, List<Attempt> attempts) {
        CounterAudit audit = new CounterAudit(counter, records, attempts);
        audit.checkTokenOrder();
        audit.reconcile();
        return audit;
    }

    /**
     * Replays the records in commit order through a {@link FencingTokenGuard}, as a resource outside
     * ZooKeeper would see them: a record it would refuse is a write accepted out of token order, that
     * is a holder writing after a later holder had written. Also: a token is one acquisition, so one
     * client; and a write carrying a token can only commit after the lock node that is the token.
     */
    private void checkTokenOrder() {
        FencingTokenGuard guard = new FencingTokenGuard();
        Map<Long, String> clientOfToken = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (Committed record : commitOrder) {
            Increment increment = record.increment();
            long token = increment.token();
            if (!guard.tryAccept(token)) {
                tokenOrderViolations.add(increment.nodeName() + " (token " + token + ", zxid " + record.czxid()
                        + ") committed after a write with the higher token " + guard.highest());
            }
            String owner = clientOfToken.putIfAbsent(token, increment.client());
            if (owner != null && !owner.equals(increment.client())) {
                tokenOrderViolations.add("token " + token + " used by both " + owner + " and " + increment.client());
            }
            if (record.czxid() <= token) {
                tokenOrderViolations.add(increment.nodeName() + " committed at zxid " + record.czxid()
                        + ", not after its lock node (token " + token + ")");
            }
            if (token != previous) {
                tokens++;
                if (previous != Long.MIN_VALUE) {
                    handOffs++;
                }
                previous = token;
            }
        }
    }

    /**
     * Every acknowledged increment must be in the records, every record must be an attempt some client
     * made (with the same token), and the counter must count the records. Attempts whose outcome their
     * client could not know are looked up and counted as committed or not.
     */
    private void reconcile() {
        Map<String, Committed> byName = new HashMap<>();
        commitOrder.forEach(record -> byName.put(record.increment().nodeName(), record));
        Map<String, Attempt> attemptByName = new LinkedHashMap<>();
        for (Attempt attempt : attempts) {
            Increment increment = attempt.increment();
            Attempt earlier = attemptByName.put(increment.nodeName(), attempt);
            // A SENT note is followed by the write's outcome for the same increment; anything else repeated is a reuse.
            if (earlier != null && !(earlier.outcome() == Outcome.SENT && attempt.outcome() != Outcome.SENT)) {
                unexplainedRecords.add(increment.client() + " sent sequence number " + increment.seq() + " twice");
            }
        }
        for (Attempt attempt : attemptByName.values()) {
            Increment increment = attempt.increment();
            Committed record = byName.get(increment.nodeName());
            if (attempt.outcome() == Outcome.ACKED) {
                acknowledgedPerClient.merge(increment.client(), 1, Integer::sum);
                if (record == null) {
                    lostIncrements.add(increment + " was acknowledged but has no record");
                }
            } else {
                committedAndNotByOutcome.computeIfAbsent(attempt.outcome(), o -> new int[2])[record == null ? 1 : 0]++;
            }
            if (record != null && record.increment().token() != increment.token()) {
                unexplainedRecords.add(increment.nodeName() + " was sent with token " + increment.token()
                        + " but committed with " + record.increment().token());
            }
        }
        for (Committed record : commitOrder) {
            if (!attemptByName.containsKey(record.increment().nodeName())) {
                unexplainedRecords.add(record.increment() + " was committed but no client's ledger has it");
            }
        }
        if (counter != commitOrder.size()) {
            lostIncrements.add("the counter reads " + counter + " but " + commitOrder.size()
                    + " increments committed: " + (commitOrder.size() - counter) + " lost");
        }
    }

    /** Records that a resource checking tokens would have refused. */
    List<String> tokenOrderViolations() {
        return tokenOrderViolations;
    }

    /** Acknowledged increments without a record, and a counter that disagrees with the records. */
    List<String> lostIncrements() {
        return lostIncrements;
    }

    /** Records no client sent, or sent differently; sequence numbers sent twice. */
    List<String> unexplainedRecords() {
        return unexplainedRecords;
    }

    /** Acknowledged increments by client id. */
    Map<String, Integer> acknowledgedPerClient() {
        return acknowledgedPerClient;
    }

    /** Committed increments. */
    int committed() {
        return commitOrder.size();
    }

    /** Attempts with this outcome that turned out committed. */
    int committed(Outcome outcome) {
        return committedAndNotByOutcome.getOrDefault(outcome, new int[2])[0];
    }

    /** Attempts with this outcome that turned out not committed. */
    int notCommitted(Outcome outcome) {
        return committedAndNotByOutcome.getOrDefault(outcome, new int[2])[1];
    }

    /** Distinct tokens among the records: leases that wrote. */
    int tokens() {
        return tokens;
    }

    /** Changes of token between consecutive records: the lock passing from one writer to another. */
    int handOffs() {
        return handOffs;
    }
}
