package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * What an operator needs when a job waits: every lock under {@value FencedMutex#ROOT} with its
 * holder, since when, its token and its waiters in line; every election group under
 * {@value LeaderElection#ROOT}, of either style, with its leader and standbys. Reads only; a node
 * that disappears while it is being read is skipped.
 */
public final class LockInspector {
    private static final String LOCK_MARK = "lock-";
    private static final String LATCH_MARK = "latch-";
    /** Curator's {@code LeaderSelector} queues through an {@code InterProcessMutex}, whose nodes are named so. */
    private static final String SELECTOR_MARK = LOCK_MARK;

    private final CuratorFramework curator;

    /** An inspector for the client's namespace. */
    public LockInspector(ToolkitClient client) {
        this(client.curator());
    }

    LockInspector(CuratorFramework curator) {
        this.curator = curator;
    }

    /**
     * One granted lock and the participants waiting for it.
     *
     * @param path the lock's path (for a read-write or Hive lock, the queue's path)
     * @param object what is locked below {@code path}: {@code /} for the whole lock, or for
     *        example {@code /orders/ds=2024-01-01} in a Hive database's queue
     * @param mode exclusive for a mutex; the requested mode in a shared-exclusive queue
     */
    public record LockInfo(String path, Holder holder, long token, Instant since, List<Holder> waiters,
                           String object, LockMode mode) {
    }

    /**
     * One election group.
     *
     * @param style which election the group's participants run
     * @param leader the leader's participant id: for the selector style the first in line, whose work
     *        runs or is about to
     * @param token the leader's fencing token
     * @param since when the leader joined the line
     * @param standbys the others, in line order
     */
    public record LeaderInfo(String group, Style style, String leader, long token, Instant since, List<String> standbys) {
        /** The two styles of election. */
        public enum Style {
            /** {@link LeaderElection}: leads until it leaves. */
            LATCH,
            /** {@link SelectorElection}: leads while its work runs, then queues again. */
            SELECTOR
        }
    }

    /**
     * The node that makes a {@link LeaderElection} participant leader.
     *
     * @param node its path: deleting it ends that leadership
     * @param token the leader's fencing token
     * @param standbys how many participants wait behind it
     */
    public record LeaderNode(String group, String participantId, String node, long token, int standbys) {
    }

    private static final Comparator<LockInfo> BY_PATH_OBJECT_TOKEN =
            Comparator.comparing(LockInfo::path).thenComparing(LockInfo::object).thenComparingLong(LockInfo::token);

    /** Every held lock, by path. */
    public List<LockInfo> locks() throws Exception {
        List<LockInfo> found = new ArrayList<>();
        walk(FencedMutex.ROOT, found);
        found.sort(BY_PATH_OBJECT_TOKEN);
        return found;
    }

    /**
     * Every election group that has participants, by group. A group whose participants run both
     * styles (a mistake: each style elects its own leader) shows up once per style.
     */
    public List<LeaderInfo> leaders() throws Exception {
        List<LeaderInfo> found = new ArrayList<>();
        for (String name : children(LeaderElection.ROOT)) {
            ElectionGroup group = new ElectionGroup(curator, name);
            addLeader(found, group, LeaderInfo.Style.LATCH, inLine(group.latchPath(), LATCH_MARK), Participant::text);
            addLeader(found, group, LeaderInfo.Style.SELECTOR, inLine(group.selectorPath(), SELECTOR_MARK),
                    p -> SelectorElection.participantOf(p.data()));
        }
        found.sort(Comparator.comparing(LeaderInfo::group).thenComparing(LeaderInfo::style));
        return found;
    }

    /** The leader of a {@link LeaderElection} group, if it has participants. */
    public Optional<LeaderNode> latchLeader(String group) throws Exception {
        ElectionGroup g = new ElectionGroup(curator, group);
        List<Participant> line = inLine(g.latchPath(), LATCH_MARK);
        if (line.isEmpty()) {
            return Optional.empty();
        }
        Participant leader = line.get(0);
        return Optional.of(new LeaderNode(g.name(), leader.text(), ZKPaths.makePath(g.latchPath(), leader.name()),
                leader.stat().getCzxid(), line.size() - 1));
    }

    private static void addLeader(List<LeaderInfo> found, ElectionGroup group, LeaderInfo.Style style,
            List<Participant> line, Function<Participant, String> participantId) {
        if (line.isEmpty()) {
            return;
        }
        Participant leader = line.get(0);
        found.add(new LeaderInfo(group.name(), style, participantId.apply(leader), leader.stat().getCzxid(),
                Instant.ofEpochMilli(leader.stat().getCtime()),
                line.subList(1, line.size()).stream().map(participantId).toList()));
    }

    private void walk(String path, List<LockInfo> found) throws Exception {
        List<String> children = children(path);
        inspect(path, children, found);
        for (String child : children) {
            if (!child.contains(LOCK_MARK)) {
                walk(ZKPaths.makePath(path, child), found);
            }
        }
    }

    /** The holders of the lock whose queue is at {@code path} (none when nobody holds it). */
    private void inspect(String path, List<String> children, List<LockInfo> found) throws Exception {
        List<Participant> line = inLine(path, children, LOCK_MARK);
        if (line.stream().anyMatch(p -> QueueNodeName.parse(p.name()).isPresent())) {
            sharedExclusiveQueue(path, line, found);
        } else if (!line.isEmpty()) {
            Participant first = line.get(0);
            found.add(new LockInfo(path, Holder.decode(first.data()), first.stat().getCzxid(),
                    Instant.ofEpochMilli(first.stat().getCtime()),
                    line.subList(1, line.size()).stream().map(p -> Holder.decode(p.data())).toList(),
                    "/", LockMode.EXCLUSIVE));
        }
    }

    /** Each granted request of a read-write or Hive queue, with the waiting requests it holds up. */
    private static void sharedExclusiveQueue(String path, List<Participant> line, List<LockInfo> found) {
        List<String> names = line.stream().map(Participant::name).toList();
        List<LockRequest> requests = names.stream()
                .map(n -> QueueNodeName.parse(n).orElse(new LockRequest(List.of(), LockMode.EXCLUSIVE)))
                .toList();
        List<Integer> granted = new ArrayList<>();
        for (int i = 0; i < line.size(); i++) {
            if (SharedExclusiveDriver.nearestConflict(names.subList(0, i), requests.get(i)) == null) {
                granted.add(i);
            }
        }
        for (int i : granted) {
            Participant holder = line.get(i);
            List<Holder> waiters = new ArrayList<>();
            for (int j = i + 1; j < line.size(); j++) {
                if (!granted.contains(j) && requests.get(j).conflictsWith(requests.get(i))) {
                    waiters.add(Holder.decode(line.get(j).data()));
                }
            }
            found.add(new LockInfo(path, Holder.decode(holder.data()), holder.stat().getCzxid(),
                    Instant.ofEpochMilli(holder.stat().getCtime()), waiters,
                    requests.get(i).objectPath(), requests.get(i).mode()));
        }
    }

    /** The participant nodes under {@code path}, in the order Curator serves them. */
    List<Participant> inLine(String path, String mark) throws Exception {
        return inLine(path, children(path), mark);
    }

    /** The same, from a listing of {@code path} already made. */
    private List<Participant> inLine(String path, List<String> children, String mark) throws Exception {
        List<Participant> line = new ArrayList<>();
        for (String child : children) {
            if (!child.contains(mark)) {
                continue;
            }
            Stat stat = new Stat();
            try {
                byte[] data = curator.getData().storingStatIn(stat).forPath(ZKPaths.makePath(path, child));
                line.add(new Participant(child, data, stat));
            } catch (KeeperException.NoNodeException released) {
                // released while we looked
            }
        }
        line.sort(Comparator.comparing(p -> QueueNodeName.sequence(p.name(), mark)));
        return line;
    }

    private List<String> children(String path) throws Exception {
        try {
            return curator.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /** One node in a lock's or election's line, read with its stat. */
    record Participant(String name, byte[] data, Stat stat) {
        String text() {
            return data == null ? "" : new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Finds one lock by path. */
    public Optional<LockInfo> lock(String path) throws Exception {
        // Only this lock's queue: a busy message must not walk every lock under the root.
        List<LockInfo> found = new ArrayList<>();
        inspect(path, children(path), found);
        return found.stream().min(BY_PATH_OBJECT_TOKEN);
    }
}
