package io.zktoolkit.sync.barrier;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.sync.NodeNames;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.sync.SyncException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;

/**
 * A barrier for a fixed number of parties in different processes: {@link #enter} returns once
 * {@code parties} members have arrived, {@link #leave} once every member has left. Both take a
 * deadline and, when it passes, throw a {@link BarrierTimeoutException} naming who was there and
 * who is missing.
 *
 * <p>Each member is an ephemeral znode under {@code /barriers/<name>/members}, so a member whose
 * process dies is gone within its session timeout: it is not waited on by leave, and is reported as
 * gone by an enter that times out (unlike Curator's {@code DistributedDoubleBarrier}, whose
 * {@code enter} keeps counting nothing but the live and offers no report). The member that
 * completes the count creates {@code ready}, so the barrier stays open for everyone who saw it
 * complete even if a member dies right after. A member whose own session expired while it waits
 * arrives again.
 *
 * <p>A barrier name is for one meeting (put the run date or batch id in it): the last member out
 * removes the barrier, and a party arriving while the others are still leaving would find it open.
 *
 * <pre>{@code
 * DoubleBarrier start = DoubleBarrier.builder(zk, "load-2026-11-22").parties(3).build();
 * start.enter(Duration.ofMinutes(10));     // all three applications are here
 * runStage();
 * start.leave(Duration.ofMinutes(10));     // all three are done
 * }</pre>
 */
public final class DoubleBarrier {
    /** The root of every barrier. */
    public static final String ROOT = "/barriers";
    private static final long RETRY_PAUSE_MS = 100;

    private final CuratorFramework curator;
    private final String path;
    private final String membersPath;
    private final String readyPath;
    private final int parties;
    private final String memberId;
    private final byte[] memberData;
    private final Object changed = new Object();
    private final Watcher wakeUp = event -> {
        synchronized (changed) {
            changed.notifyAll();
        }
    };
    /** Every member seen while entering, with who it is: the base for the "gone" report. */
    private final Map<String, String> seen = new LinkedHashMap<>();
    /** The members the barrier opened with, known once entered: the base for the "vanished" report. */
    private List<String> openedWith = List.of();

    private DoubleBarrier(Builder b) {
        this.curator = b.curator;
        this.path = ZKPaths.makePath(ROOT, b.name);
        this.membersPath = ZKPaths.makePath(path, "members");
        this.readyPath = ZKPaths.makePath(path, "ready");
        this.parties = b.parties;
        this.memberId = b.memberId;
        this.memberData = b.holder.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A builder for the barrier {@code name} on the toolkit's client. */
    public static Builder builder(ToolkitClient client, String name) {
        return new Builder(client.curator(), name);
    }

    /** A builder for the barrier {@code name} on a Curator client. */
    public static Builder builder(CuratorFramework curator, String name) {
        return new Builder(curator, name);
    }

    /** This member's id. */
    public String memberId() {
        return memberId;
    }

    /** The barrier's znode. */
    public String path() {
        return path;
    }

    /**
     * Arrives and waits until {@code parties} members have arrived.
     *
     * @throws BarrierTimeoutException when they have not by the deadline; this member then withdraws
     */
    public void enter(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        arrive();
        while (true) {
            try {
                if (curator.checkExists().usingWatcher(wakeUp).forPath(readyPath) != null) {
                    openedWith = readOpened();
                    return;
                }
                List<String> members = curator.getChildren().usingWatcher(wakeUp).forPath(membersPath);
                note(members);
                if (!members.contains(memberId)) {
                    arrive();
                    continue;
                }
                if (members.size() >= parties) {
                    openedWith = open(members);
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() >= deadline) {
                    throw failure("enter", e);
                }
                Thread.sleep(RETRY_PAUSE_MS);
                continue;
            }
            if (!await(deadline)) {
                withdrawOrEnter(timeout);
                return;
            }
        }
    }

    /**
     * Leaves and waits until every member has left or vanished.
     *
     * @return the members that vanished without leaving (their process died or session expired)
     * @throws BarrierTimeoutException when members are still inside at the deadline
     */
    public List<String> leave(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            curator.create().orSetData().creatingParentContainersIfNeeded().forPath(ZKPaths.makePath(path, "left", memberId));
            curator.delete().quietly().forPath(ZKPaths.makePath(membersPath, memberId));
        } catch (Exception e) {
            throw failure("leave", e);
        }
        while (true) {
            List<String> inside;
            try {
                inside = curator.getChildren().usingWatcher(wakeUp).forPath(membersPath);
            } catch (KeeperException.NoNodeException e) {
                inside = List.of();   // the server removed the empty members container
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (System.nanoTime() >= deadline) {
                    throw failure("leave", e);
                }
                Thread.sleep(RETRY_PAUSE_MS);
                continue;
            }
            if (inside.isEmpty()) {
                return everyoneLeft();
            }
            if (!await(deadline)) {
                throw new BarrierTimeoutException(path, timeout, whoIs(inside));
            }
        }
    }

    /**
     * Who vanished: members the barrier opened with that did not mark their leaving. The markers
     * are read before this member marks that it has read them, and the barrier is removed only
     * when every member that left has read, so no reader sees a half-removed list.
     */
    private List<String> everyoneLeft() {
        try {
            List<String> left = curator.getChildren().forPath(ZKPaths.makePath(path, "left"));
            List<String> vanished = new ArrayList<>(openedWith);
            vanished.removeAll(left);
            curator.create().orSetData().creatingParentContainersIfNeeded().forPath(ZKPaths.makePath(path, "read", memberId));
            if (curator.getChildren().forPath(ZKPaths.makePath(path, "read")).containsAll(left)) {
                removeBarrier();
            }
            return vanished;
        } catch (Exception e) {
            throw failure("finish leaving", e);
        }
    }

    private void arrive() {
        try {
            curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(ZKPaths.makePath(membersPath, memberId), memberData);
        } catch (KeeperException.NodeExistsException e) {
            throw new IllegalStateException("Barrier " + path + ": member id '" + memberId + "' is already inside (held by "
                    + whoIs(List.of(memberId)).get(memberId) + "); give each party its own member id", e);
        } catch (Exception e) {
            throw failure("arrive at", e);
        }
    }

    /** Creates the ready node; the members it opened with (another member's list if it was first). */
    private List<String> open(List<String> members) throws Exception {
        try {
            curator.create().forPath(readyPath, String.join("\n", members).getBytes(StandardCharsets.UTF_8));
            return members;
        } catch (KeeperException.NodeExistsException e) {
            return readOpened();
        }
    }

    private List<String> readOpened() throws Exception {
        return List.of(new String(curator.getData().forPath(readyPath), StandardCharsets.UTF_8).split("\n"));
    }

    /**
     * At the deadline: leave the count, unless the barrier opened meanwhile. A member that
     * completes the count after this one withdrew still counted on it if it listed the members
     * before the withdrawal, so an open barrier seen after withdrawing means entering after all.
     * The withdrawal is marked first, so the others' reports tell it from a death.
     */
    private void withdrawOrEnter(Duration timeout) throws InterruptedException {
        String withdrawnPath = ZKPaths.makePath(path, "withdrawn");
        String marker = ZKPaths.makePath(withdrawnPath, memberId);
        try {
            if (curator.checkExists().forPath(readyPath) != null) {
                openedWith = readOpened();
                return;
            }
            note(curator.getChildren().forPath(membersPath));
            curator.create().orSetData().creatingParentContainersIfNeeded().forPath(marker);
            curator.delete().quietly().forPath(ZKPaths.makePath(membersPath, memberId));
            if (curator.checkExists().forPath(readyPath) != null) {
                curator.delete().quietly().forPath(marker);
                arrive();
                openedWith = readOpened();
                return;
            }
            List<String> withdrawn = curator.getChildren().forPath(withdrawnPath);
            // A member may have marked its withdrawal and not yet removed itself: it counts as withdrawn.
            List<String> members = new ArrayList<>(curator.getChildren().forPath(membersPath));
            members.removeAll(withdrawn);
            Map<String, String> present = whoIs(members);
            Map<String, String> withdrew = new LinkedHashMap<>();
            Map<String, String> gone = new LinkedHashMap<>();
            seen.forEach((id, who) -> {
                if (withdrawn.contains(id)) {
                    withdrew.put(id, who);
                } else if (!members.contains(id)) {
                    gone.put(id, who);
                }
            });
            throw new BarrierTimeoutException(path, parties, timeout, present, withdrew, gone);
        } catch (BarrierTimeoutException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw failure("withdraw from", e);
        }
    }

    private void note(List<String> members) {
        for (String m : members) {
            if (!seen.containsKey(m)) {
                seen.put(m, whoIs(List.of(m)).getOrDefault(m, "unknown"));
            }
        }
    }

    private Map<String, String> whoIs(List<String> members) {
        Map<String, String> who = new LinkedHashMap<>();
        for (String m : members) {
            String known = seen.get(m);
            if (known != null) {
                who.put(m, known);
                continue;
            }
            try {
                who.put(m, new String(curator.getData().forPath(ZKPaths.makePath(membersPath, m)), StandardCharsets.UTF_8));
            } catch (Exception e) {
                who.put(m, "gone before it could be read");
            }
        }
        return who;
    }

    /** One transaction, so nobody sees part of the barrier gone; failing means someone else removed it. */
    private void removeBarrier() {
        try {
            List<CuratorOp> ops = new ArrayList<>();
            for (String child : curator.getChildren().forPath(path)) {
                String childPath = ZKPaths.makePath(path, child);
                for (String grandchild : curator.getChildren().forPath(childPath)) {
                    ops.add(curator.transactionOp().delete().forPath(ZKPaths.makePath(childPath, grandchild)));
                }
                ops.add(curator.transactionOp().delete().forPath(childPath));
            }
            ops.add(curator.transactionOp().delete().forPath(path));
            curator.transaction().forOperations(ops);
        } catch (Exception e) {
            // removed by another member meanwhile, or a new party arrived: nothing is lost
        }
    }

    private boolean await(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        synchronized (changed) {
            // the watch set above fires at most once; a bounded wait also rechecks after reconnects
            changed.wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
        }
        return true;
    }

    private SyncException failure(String action, Exception e) {
        AccessDeniedException.throwIfDenied(e, action + " barrier " + path);
        return new SyncException("Barrier " + path + ": could not " + action + " it in ZooKeeper at "
                + curator.getZookeeperClient().getCurrentConnectionString() + " (" + e + ")", e);
    }

    /** Options of a {@link DoubleBarrier}. */
    public static final class Builder {
        private final CuratorFramework curator;
        private final String name;
        private int parties = 2;
        private Holder holder = Holder.current();
        private String memberId;

        private Builder(CuratorFramework curator, String name) {
            this.curator = Objects.requireNonNull(curator, "curator");
            if (!NodeNames.isName(name)) {
                throw new IllegalArgumentException("Invalid barrier name '" + ZnodeLimits.printable(name) + "': " + NodeNames.NAME_RULE
                        + " (for example 'load-2026-11-22')");
            }
            this.name = name;
        }

        /** How many members must arrive before anyone passes (default 2). */
        public Builder parties(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("Barrier " + name + ": parties must be at least 1, got " + value);
            }
            this.parties = value;
            return this;
        }

        /** This member's id (default host, pid and a random suffix); unique among the parties. */
        public Builder memberId(String value) {
            if (!NodeNames.isName(value)) {
                throw new IllegalArgumentException("Barrier " + name + ": invalid member id '" + ZnodeLimits.printable(value)
                        + "': " + NodeNames.NAME_RULE);
            }
            this.memberId = value;
            return this;
        }

        /** Who this member is, shown to the others in errors (default this process). */
        public Builder holder(Holder value) {
            this.holder = Objects.requireNonNull(value, "holder");
            return this;
        }

        /** The barrier handle for one member. */
        public DoubleBarrier build() {
            if (memberId == null) {
                memberId = (holder.host() + "-" + holder.pid()).replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                        + UUID.randomUUID().toString().substring(0, 8);
            }
            return new DoubleBarrier(this);
        }
    }
}
