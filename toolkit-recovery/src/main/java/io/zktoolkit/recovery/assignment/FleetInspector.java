package io.zktoolkit.recovery.assignment;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.FleetLayout;
import io.zktoolkit.recovery.membership.MemberRecord;
import io.zktoolkit.sync.CorruptSyncDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Reads a fleet's state once, without joining it: for status screens and launchers. Nodes that
 * are not the toolkit's are reported, not read as data.
 */
public final class FleetInspector {
    private final CuratorFramework curator;

    /** An inspector on {@code client}'s namespace. */
    public FleetInspector(ToolkitClient client) {
        this.curator = client.curator();
    }

    /**
     * A fleet as ZooKeeper holds it now.
     *
     * @param members live members, oldest identity first
     * @param assignments every task's assignment, by task
     * @param completions every completed task's record, by task
     * @param unreadable nodes that could not be read as the toolkit's data, with why
     */
    public record FleetReport(String fleet, List<MemberRecord> members, Map<String, Assignment> assignments,
            Map<String, Completion> completions, List<String> unreadable) {
        /** Tasks submitted and not completed. */
        public long pending() {
            return assignments.keySet().stream().filter(t -> !completions.containsKey(t)).count();
        }
    }

    /** Every fleet under {@value FleetLayout#ROOT}. */
    public List<String> fleets() throws Exception {
        try {
            return curator.getChildren().forPath(FleetLayout.ROOT).stream().sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    /**
     * Reads {@code fleet}.
     *
     * @throws IllegalArgumentException for an invalid fleet name
     */
    public FleetReport read(String fleet) throws Exception {
        FleetLayout layout = new FleetLayout(fleet);
        List<String> unreadable = new ArrayList<>();
        List<MemberRecord> members = new ArrayList<>();
        for (String node : children(layout.members())) {
            String path = layout.members() + "/" + node;
            try {
                members.add(MemberRecord.decode(path, node, curator.getData().forPath(path)));
            } catch (CorruptSyncDataException e) {
                unreadable.add(e.getMessage());
            } catch (KeeperException.NoNodeException e) {
                // Left while we read.
            }
        }
        members.sort(java.util.Comparator.comparingLong(MemberRecord::sequence));
        Map<String, Assignment> assignments = new TreeMap<>();
        for (String task : children(layout.tasks())) {
            String path = layout.tasks() + "/" + task;
            try {
                Stat stat = new Stat();
                byte[] data = curator.getData().storingStatIn(stat).forPath(path);
                assignments.put(task, Assignment.decode(path, task, data, stat.getVersion()));
            } catch (CorruptSyncDataException e) {
                unreadable.add(e.getMessage());
            } catch (KeeperException.NoNodeException e) {
                // Removed while we read.
            }
        }
        Map<String, Completion> completions = new TreeMap<>();
        for (String task : children(layout.done())) {
            String path = layout.done() + "/" + task;
            try {
                completions.put(task, Completion.decode(path, task, curator.getData().forPath(path)));
            } catch (CorruptSyncDataException e) {
                unreadable.add(e.getMessage());
            } catch (KeeperException.NoNodeException e) {
                // Removed while we read.
            }
        }
        return new FleetReport(fleet, List.copyOf(members), assignments, completions, List.copyOf(unreadable));
    }

    private List<String> children(String path) throws Exception {
        try {
            return curator.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }
}
