package io.zktoolkit.recovery.assignment;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.membership.FailureDetector;
import io.zktoolkit.recovery.membership.FleetMembership;
import io.zktoolkit.recovery.membership.MemberHealthListener;
import io.zktoolkit.recovery.membership.MemberRecord;
import io.zktoolkit.recovery.membership.MemberStatus;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * One process's place in a fleet that shares a list of tasks: it is a member with a heartbeat,
 * a candidate for the fleet's leadership, and a worker running the tasks assigned to it.
 *
 * <p>The leader assigns every unfinished task to a live member by a consistent-hash ring of the
 * members' ids ({@link WorkAssigner}); when a member's session ends its tasks move to the others,
 * and a member that joins takes about 1/n of them. Every assignment carries an epoch, and a
 * worker's completion (and every write it makes through {@link TaskContext#lease()}) is fenced
 * by its task lock and that epoch ({@link TaskWorker}), so a worker whose task moved, or that was
 * paused past its session, completes nothing, and no task is recorded complete twice. A
 * restarted task resumes from whatever checkpoint its runner keeps. On a lost session the member
 * stops every run and rejoins under a new identity ({@link FleetMembership}); a new leader fences
 * the old one before assigning ({@link ActiveStandby}).
 *
 * <pre>{@code
 * WorkFleet.submit(zk, "sqoop-imports", List.of("orders", "customers", "items"));
 * try (WorkFleet fleet = WorkFleet.builder(zk, "sqoop-imports", "edge-3", ctx -> importTable(ctx)).build()) {
 *     fleet.start();
 *     fleet.awaitAllDone(Duration.ofHours(1));
 * }
 * }</pre>
 */
public final class WorkFleet implements Closeable {
    /** Lifecycle. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Taking part. */
        STARTED,
        /** Left. */
        CLOSED
    }

    private final ToolkitClient zk;
    private final FleetLayout layout;
    private final FleetMembership membership;
    private final FailureDetector detector;
    private final AssignmentView view;
    private final WorkAssigner assigner;
    private final TaskWorker worker;
    private final ActiveStandby leadership;
    private volatile State state = State.LATENT;

    private WorkFleet(Builder b) {
        this.zk = b.zk;
        this.layout = new FleetLayout(b.fleet);
        CuratorFramework curator = zk.curator();
        this.membership = FleetMembership.builder(zk, b.fleet, b.memberId).heartbeatInterval(b.heartbeatInterval).build();
        this.detector = FailureDetector.create(zk, b.fleet, b.suspectAfter);
        this.view = new AssignmentView(curator, layout);
        this.assigner = new WorkAssigner(curator, layout, view, detector, b.clock);
        this.worker = new TaskWorker(curator, layout, view, membership, b.runner, b.taskListeners, b.parallelism, b.clock);
        this.leadership = ActiveStandby.builder(zk, layout.electionGroup(), b.memberId, assigner).build();
        b.healthListeners.forEach(detector::addListener);
        detector.addListener(new MemberHealthListener() {
            @Override
            public void joined(MemberRecord member) {
                assigner.rebalance();
            }

            @Override
            public void dead(MemberRecord member) {
                assigner.rebalance();
            }
        });
        view.addListener(() -> {
            assigner.rebalance();
            worker.reconcile();
        });
        membership.addListener((newState, node) -> {
            switch (newState) {
                case JOINED -> worker.reconcile();
                case REJOINING -> worker.revokeAll("this member lost its identity (its session ended)");
                default -> {
                }
            }
        });
    }

    /** A builder for member {@code memberId} of {@code fleet}, running tasks with {@code runner}. */
    public static Builder builder(ToolkitClient zk, String fleet, String memberId, TaskRunner runner) {
        return new Builder(zk, fleet, memberId, runner);
    }

    /**
     * Adds {@code tasks} to {@code fleet}, unassigned; tasks already there are left as they are.
     *
     * @throws IllegalArgumentException naming the first invalid task name, before anything is written
     */
    public static void submit(ToolkitClient zk, String fleet, Collection<String> tasks) {
        FleetLayout layout = new FleetLayout(fleet);
        tasks.forEach(FleetLayout::checkedTask);
        CuratorFramework curator = zk.curator();
        try {
            for (String parent : List.of(layout.tasks(), layout.done())) {
                try {
                    curator.create().creatingParentsIfNeeded().forPath(parent);
                } catch (KeeperException.NodeExistsException e) {
                    // Submitted before.
                }
            }
            for (String task : tasks) {
                try {
                    curator.create().forPath(layout.task(task), Assignment.unassigned(Clock.systemUTC().instant()));
                } catch (KeeperException.NodeExistsException e) {
                    // Already submitted: its assignment and completion stand.
                }
            }
        } catch (Exception e) {
            AccessDeniedException.throwIfDenied(e, "submit tasks to " + layout);
            throw new IllegalStateException("Could not submit tasks to " + layout + " on " + zk.connectString() + ": " + e, e);
        }
    }

    /** Joins: membership, failure detection, the task view, the worker, then the leader election. */
    public void start() {
        synchronized (this) {
            if (state != State.LATENT) {
                throw new IllegalStateException("Fleet member " + membership.memberId() + " is " + state + "; start() may be called once");
            }
            state = State.STARTED;
        }
        membership.start();
        detector.start();
        view.start();
        leadership.start();
        worker.reconcile();
    }

    /** Every task's assignment, from the cached view. */
    public Map<String, Assignment> assignments() {
        return view.assignments();
    }

    /** Every completed task's record, from the cached view. */
    public Map<String, Completion> completions() {
        return view.completions();
    }

    /** Members as the failure detector sees them. */
    public List<MemberStatus> members() {
        return detector.members();
    }

    /** This process's membership. */
    public FleetMembership membership() {
        return membership;
    }

    /** This process's place in the leader election. */
    public ActiveStandby leadership() {
        return leadership;
    }

    /** Whether every submitted task has a completion record, as the cached view shows. */
    public boolean allDone() {
        Map<String, Completion> done = view.completions();
        Map<String, Assignment> tasks = view.assignments();
        return !tasks.isEmpty() && done.keySet().containsAll(tasks.keySet());
    }

    /** Waits up to {@code timeout} for {@link #allDone()}; returns whether it came. */
    public boolean awaitAllDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allDone()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The lifecycle state. */
    public State state() {
        return state;
    }

    /** Leaves: stops running tasks, gives up leadership, leaves the membership; tasks move to the others. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        worker.close();
        leadership.close();
        assigner.close();
        view.close();
        detector.close();
        membership.close();
    }

    /** Options of a {@link WorkFleet}. */
    public static final class Builder {
        private final ToolkitClient zk;
        private final String fleet;
        private final String memberId;
        private final TaskRunner runner;
        private Duration heartbeatInterval = Duration.ofSeconds(1);
        private Duration suspectAfter = Duration.ofSeconds(3);
        private int parallelism = 1;
        private Clock clock = Clock.systemUTC();
        private final List<TaskListener> taskListeners = new CopyOnWriteArrayList<>();
        private final List<MemberHealthListener> healthListeners = new CopyOnWriteArrayList<>();

        private Builder(ToolkitClient zk, String fleet, String memberId, TaskRunner runner) {
            this.zk = Objects.requireNonNull(zk, "zk");
            this.runner = Objects.requireNonNull(runner, "runner");
            new FleetLayout(fleet);
            this.fleet = fleet;
            this.memberId = memberId;
        }

        /** How often this member's heartbeat goes out. Default 1 s. */
        public Builder heartbeatInterval(Duration value) {
            heartbeatInterval = Objects.requireNonNull(value, "heartbeatInterval");
            return this;
        }

        /** How long a member's heartbeat may stall before it is reported suspect. Default 3 s. */
        public Builder suspectAfter(Duration value) {
            suspectAfter = Objects.requireNonNull(value, "suspectAfter");
            return this;
        }

        /** How many tasks this member runs at once. Default 1; 1 to 64. */
        public Builder parallelism(int value) {
            if (value < 1 || value > 64) {
                throw new IllegalArgumentException("parallelism must be between 1 and 64, got " + value);
            }
            parallelism = value;
            return this;
        }

        /** Adds a listener for this worker's runs. */
        public Builder taskListener(TaskListener listener) {
            taskListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Adds a listener for members' health. */
        public Builder healthListener(MemberHealthListener listener) {
            healthListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The clock for time stamps in assignments and completions (shown only). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The fleet member, not yet started. */
        public WorkFleet build() {
            return new WorkFleet(this);
        }
    }
}
