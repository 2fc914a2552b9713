package io.zktoolkit.recovery.assignment;

import io.zktoolkit.locks.ConditionalOwnership;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.FencedWriteOutcomeUnknownException;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.recovery.membership.FleetMembership;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of work assignment: runs the tasks assigned to this member's current
 * identity, and stops a run the moment its task moves away.
 *
 * <p><b>Design.</b> A run holds the task's lock for its whole length, so two runs of one task
 * never overlap even while a reassignment is still on its way to the old worker. Once it has the
 * lock it reads the assignment again, and works under a {@link ConditionalOwnership}: the lock
 * plus the assignment's epoch. Its completion record is created in a transaction with both
 * checks, so a run whose task moved, or whose session ended while it was paused, completes
 * nothing, and the completion node exists at most once.
 */
final class TaskWorker {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
    private static final Duration LOCK_POLL = Duration.ofMillis(500);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final CuratorFramework curator;
    private final FleetLayout layout;
    private final AssignmentView view;
    private final FleetMembership membership;
    private final TaskRunner runner;
    private final List<TaskListener> listeners;
    private final Clock clock;
    private final ExecutorService pool;
    private final Map<String, Run> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** One run of a task here. */
    private final class Run {
        final String task;
        final String node;
        volatile Future<?> future;
        volatile ConditionalOwnership lease;
        volatile String revoked;

        Run(String task, String node) {
            this.task = task;
            this.node = node;
        }

        /** Set by whichever comes first: the run starting, or a revocation that keeps it from starting. */
        final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();

        void revoke(String why) {
            if (revoked != null) {
                return;
            }
            revoked = why;
            if (claimed.compareAndSet(false, true)) {
                // Still queued: it will never run, so it must not hold the task's place.
                running.remove(task, this);
                Future<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                if (!closed) {
                    pool.execute(TaskWorker.this::reconcile);
                }
                return;
            }
            ConditionalOwnership now = lease;
            if (now != null) {
                now.revoke(why);
            }
            Future<?> f = future;
            if (f != null) {
                f.cancel(true);
            }
        }
    }

    TaskWorker(CuratorFramework curator, FleetLayout layout, AssignmentView view, FleetMembership membership,
            TaskRunner runner, List<TaskListener> listeners, int parallelism, Clock clock) {
        this.curator = curator;
        this.layout = layout;
        this.view = view;
        this.membership = membership;
        this.runner = runner;
        this.listeners = listeners;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "zktoolkit-task-" + layout.fleet() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts runs for tasks newly assigned here and stops runs whose task moved. */
    synchronized void reconcile() {
        if (closed) {
            return;
        }
        Optional<String> me = membership.node();
        Map<String, Assignment> assignments = view.assignments();
        Map<String, Completion> done = view.completions();
        for (Run run : running.values()) {
            Assignment now = assignments.get(run.task);
            if (now == null || !now.memberNode().equals(run.node) || me.isEmpty() || !me.get().equals(run.node)) {
                run.revoke(now == null ? "the task is gone"
                        : "the task moved to " + (now.memberId().isEmpty() ? "nobody" : now.memberId() + " (" + now.memberNode() + ")")
                                + " at epoch " + now.epoch());
            }
        }
        if (me.isEmpty() || membership.state() != FleetMembership.State.JOINED) {
            return;
        }
        for (Assignment a : assignments.values()) {
            if (a.memberNode().equals(me.get()) && !done.containsKey(a.task()) && !running.containsKey(a.task())) {
                Run run = new Run(a.task(), me.get());
                running.put(a.task(), run);
                run.future = pool.submit(() -> execute(run));
            }
        }
    }

    /** Stops every run: this member lost its identity or is closing. */
    synchronized void revokeAll(String why) {
        running.values().forEach(r -> r.revoke(why));
    }

    void close() {
        synchronized (this) {
            closed = true;
        }
        revokeAll("the worker is closing");
        pool.shutdownNow();
    }

    private void execute(Run run) {
        if (!run.claimed.compareAndSet(false, true)) {
            return;
        }
        try {
            while (run.revoked == null && !closed) {
                if (attempt(run)) {
                    return;
                }
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
        } catch (InterruptedException e) {
            // Revoked or closing.
        } finally {
            running.remove(run.task, run);
            // Another run may be due: the task may have come back to this member under a new epoch.
            if (!closed) {
                pool.execute(this::reconcile);
            }
        }
    }

    /** One attempt; true when the task is finished here (completed, or found completed). */
    private boolean attempt(Run run) throws InterruptedException {
        FencedMutex mutex = new FencedMutex(curator, layout.taskLock(run.task));
        Optional<LockLease> acquired = Optional.empty();
        while (acquired.isEmpty()) {
            if (run.revoked != null) {
                return true;
            }
            acquired = mutex.acquire(LOCK_POLL);
        }
        LockLease lock = acquired.get();
        int epoch = -1;
        try {
            Stat stat = new Stat();
            curator.sync().forPath(layout.task(run.task));
            Assignment a = Assignment.decode(layout.task(run.task), run.task,
                    curator.getData().storingStatIn(stat).forPath(layout.task(run.task)), stat.getVersion());
            if (!a.memberNode().equals(run.node)) {
                run.revoke("the task moved to " + a.memberId() + " before the run started");
                return true;
            }
            if (curator.checkExists().forPath(layout.done(run.task)) != null) {
                return true;
            }
            epoch = a.epoch();
            ConditionalOwnership lease = ConditionalOwnership.of(lock,
                    "task " + run.task + " of " + layout.fleet() + " (epoch " + epoch + ")", layout.task(run.task), epoch);
            run.lease = lease;
            if (run.revoked != null) {
                lease.revoke(run.revoked);
                return true;
            }
            int e = epoch;
            listeners.forEach(l -> l.started(run.task, e));
            TaskContext context = new TaskContext(run.task, layout.task(run.task), epoch, lease, membership::reportProgress);
            String result = runner.run(context);
            Completion completion = new Completion(run.task, membership.memberId(), run.node, epoch, clock.instant(),
                    result == null ? "" : result);
            List<org.apache.curator.framework.api.transaction.CuratorOp> ops = new java.util.ArrayList<>(context.completionOps());
            ops.add(curator.transactionOp().create().forPath(layout.done(run.task), completion.encode()));
            lease.fencedWrite(ops);
            LOG.info("{} completed {} at epoch {}: {}", run.node, run.task, epoch, completion.result());
            listeners.forEach(l -> l.completed(completion));
            return true;
        } catch (FencedWriteOutcomeUnknownException e) {
            // The completion may have landed: the next attempt reads it back before running again.
            LOG.warn("{}: recording the completion of {} had an unknown outcome: {}", run.node, run.task, e.getMessage());
            return false;
        } catch (LockLostException e) {
            String why = run.revoked != null ? run.revoked : e.getMessage();
            run.revoke(why);
            int e2 = epoch;
            listeners.forEach(l -> l.revoked(run.task, e2, why));
            return true;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (run.revoked != null || Thread.currentThread().isInterrupted()) {
                int e2 = epoch;
                listeners.forEach(l -> l.revoked(run.task, e2, run.revoked == null ? "interrupted" : run.revoked));
                return true;
            }
            if (e instanceof KeeperException.NodeExistsException) {
                return true;
            }
            LOG.warn("{}: task {} failed at epoch {}: {}", run.node, run.task, epoch, e.toString());
            int e2 = epoch;
            listeners.forEach(l -> l.failed(run.task, e2, e));
            return false;
        } finally {
            ConditionalOwnership lease = run.lease;
            if (lease != null) {
                lease.release();
            }
            // Clear the interrupt so releasing the lock is not cut short; the run is over either way.
            boolean interrupted = Thread.interrupted();
            lock.release();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
