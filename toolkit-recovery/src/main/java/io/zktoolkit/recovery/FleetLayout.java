package io.zktoolkit.recovery;

import io.zktoolkit.sync.NodeNames;
import org.apache.curator.utils.ZKPaths;

/**
 * Where a fleet lives: {@code /fleets/<fleet>/members} (one ephemeral node per live member),
 * {@code tasks} (one node per task, holding its assignment), {@code done} (one node per completed
 * task) and {@code task-locks}. One place for the layout, so the leader, the workers and the
 * failure detector cannot disagree about it.
 */
public final class FleetLayout {
    /** Where fleets live, under the client's namespace. */
    public static final String ROOT = "/fleets";

    private final String fleet;
    private final String base;

    /**
     * @throws IllegalArgumentException when {@code fleet} is not a valid name
     */
    public FleetLayout(String fleet) {
        if (fleet == null || !NodeNames.isName(fleet)) {
            throw new IllegalArgumentException("Invalid fleet name '" + fleet + "': " + NodeNames.NAME_RULE);
        }
        this.fleet = fleet;
        this.base = ZKPaths.makePath(ROOT, fleet);
    }

    /** The fleet's name. */
    public String fleet() {
        return fleet;
    }

    /** The fleet's root node. */
    public String base() {
        return base;
    }

    /** The parent of the members' ephemeral nodes. */
    public String members() {
        return base + "/members";
    }

    /** The parent of the task nodes. */
    public String tasks() {
        return base + "/tasks";
    }

    /** One task's node, holding its assignment. */
    public String task(String task) {
        return tasks() + "/" + checkedTask(task);
    }

    /** The parent of the completion records. */
    public String done() {
        return base + "/done";
    }

    /** One task's completion record. */
    public String done(String task) {
        return done() + "/" + checkedTask(task);
    }

    /** One task's lock, held by the worker running it. */
    public String taskLock(String task) {
        return base + "/task-locks/" + checkedTask(task);
    }

    /** The election group of the fleet's leader. */
    public String electionGroup() {
        return "fleet-" + fleet;
    }

    /**
     * @throws IllegalArgumentException naming the task when it is not a valid node name
     */
    public static String checkedTask(String task) {
        if (task == null || !NodeNames.isName(task)) {
            throw new IllegalArgumentException("Invalid task name '" + task + "': " + NodeNames.NAME_RULE);
        }
        return task;
    }

    @Override
    public String toString() {
        return "fleet " + fleet + " (" + base + ")";
    }
}
