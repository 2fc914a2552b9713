package io.zktoolkit.recovery.assignment;

import io.zktoolkit.discovery.HashRing;
import io.zktoolkit.locks.FencedWriteOutcomeUnknownException;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.recovery.failover.ActiveService;
import io.zktoolkit.recovery.failover.Takeover;
import io.zktoolkit.recovery.membership.FailureDetector;
import io.zktoolkit.recovery.membership.MemberHealth;
import io.zktoolkit.recovery.membership.MemberRecord;
import io.zktoolkit.recovery.membership.MemberStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of work assignment: while this process leads the fleet, keeps every
 * unfinished task assigned to the live member that owns it on a consistent-hash ring of the
 * members' stable ids.
 *
 * <p><b>Design.</b> The ring is keyed by member id, not by session, so a member that rejoins
 * under a new identity gets its own tasks back and a newcomer takes about 1/n of them, all from
 * others. Members that are only suspect keep their tasks: their locks live until ZooKeeper ends
 * their session, so moving work earlier would only make the new owner wait. Assignments are
 * written in transactions fenced by the leadership, so a deposed leader cannot assign; each write
 * is conditioned on the version the leader read, and raises it: that version is the task's epoch.
 * All work happens on one thread; bursts of changes collapse into one pass.
 */
final class WorkAssigner implements ActiveService {
    private static final Logger LOG = LoggerFactory.getLogger(WorkAssigner.class);
    private static final int BATCH = 100;

    private final CuratorFramework curator;
    private final FleetLayout layout;
    private final AssignmentView view;
    private final FailureDetector detector;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Takeover active;

    WorkAssigner(CuratorFramework curator, FleetLayout layout, AssignmentView view, FailureDetector detector, Clock clock) {
        this.curator = curator;
        this.layout = layout;
        this.view = view;
        this.detector = detector;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zktoolkit-assigner-" + layout.fleet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void becomeActive(Takeover takeover) {
        active = takeover;
        LOG.info("Leading {} with token {}: assigning tasks", layout, takeover.token());
        rebalance();
    }

    @Override
    public void becomeStandby(String why) {
        active = null;
    }

    /** Asks for a pass; passes requested while one waits are folded into it. */
    void rebalance() {
        if (active != null && pending.compareAndSet(false, true) && !thread.isShutdown()) {
            thread.execute(() -> {
                pending.set(false);
                pass();
            });
        }
    }

    void close() {
        active = null;
        thread.shutdownNow();
    }

    private void pass() {
        Takeover now = active;
        if (now == null) {
            return;
        }
        Leadership leadership = now.leadership();
        Map<String, MemberRecord> live = liveMembers();
        if (live.isEmpty()) {
            return;
        }
        HashRing<MemberRecord> ring = HashRing.of(new ArrayList<>(live.values()), MemberRecord::memberId);
        Map<String, Completion> done = view.completions();
        List<CuratorOp> ops = new ArrayList<>();
        int moved = 0;
        for (Assignment a : view.assignments().values()) {
            if (done.containsKey(a.task())) {
                continue;
            }
            MemberRecord owner = ring.owner(a.task());
            if (owner.node().equals(a.memberNode())) {
                continue;
            }
            try {
                ops.add(curator.transactionOp().setData().withVersion(a.epoch())
                        .forPath(layout.task(a.task()), Assignment.encode(owner.memberId(), owner.node(), leadership.token(), clock.instant())));
            } catch (Exception e) {
                throw new IllegalStateException("Could not prepare the assignment of " + a.task() + ": " + e, e);
            }
            moved++;
        }
        for (int from = 0; from < ops.size(); from += BATCH) {
            try {
                leadership.fencedWrite(ops.subList(from, Math.min(ops.size(), from + BATCH)));
            } catch (FencedWriteOutcomeUnknownException e) {
                LOG.info("Assignment batch in {} outcome unknown: {}; will look again", layout, e.getMessage());
                rebalanceSoon();
                return;
            } catch (LockLostException e) {
                if (leadership.state() != io.zktoolkit.locks.FencedOwnership.State.HELD) {
                    LOG.warn("No longer leading {}: {}", layout, e.getMessage());
                    return;
                }
                // A task changed under a stale view (a submit, or our own earlier write not yet
                // seen): the cache will catch up and call for another pass.
                LOG.debug("Assignment batch in {} raced a change: {}", layout, e.getMessage());
                rebalanceSoon();
                return;
            }
        }
        if (moved > 0) {
            LOG.info("{}: assigned {} task(s) over {} live member(s)", layout, moved, live.size());
        }
    }

    private void rebalanceSoon() {
        if (!thread.isShutdown()) {
            thread.schedule(this::rebalance, 200, TimeUnit.MILLISECONDS);
        }
    }

    /** Live members by stable id; of two identities with one id, the newer (the older is on its way out). */
    private Map<String, MemberRecord> liveMembers() {
        Map<String, MemberRecord> byId = new LinkedHashMap<>();
        for (MemberStatus status : detector.members()) {
            if (status.health() != MemberHealth.DEAD) {
                byId.put(status.record().memberId(), status.record());
            }
        }
        return byId;
    }
}
