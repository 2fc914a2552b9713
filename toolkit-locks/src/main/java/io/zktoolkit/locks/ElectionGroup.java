package io.zktoolkit.locks;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * One election group under {@value LeaderElection#ROOT}, as both styles of election share it: the
 * group's paths, the checks on its name and on participant ids, and the hand-over of the
 * {@link Breadcrumb}. Keeping the hand-over in one place keeps the breadcrumb's format and its
 * fenced write the same whichever style led last.
 */
final class ElectionGroup {
    private final CuratorFramework curator;
    private final String name;
    private final Clock clock = Clock.systemUTC();

    /**
     * @throws IllegalArgumentException when {@code name} is empty or is not a single path segment
     */
    ElectionGroup(CuratorFramework curator, String name) {
        this.curator = Objects.requireNonNull(curator, "curator");
        this.name = checkedName(name);
    }

    private static String checkedName(String name) {
        Objects.requireNonNull(name, "election group must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Election group must not be empty or blank: it names the group's node under "
                    + LeaderElection.ROOT);
        }
        if (name.contains("/")) {
            throw new IllegalArgumentException("Election group \"" + name + "\" must not contain '/': it names one node"
                    + " under " + LeaderElection.ROOT + ", not a path");
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Election group \"" + name + "\" is not a valid ZooKeeper node name");
        }
        return name;
    }

    /**
     * Participant ids end up as the first line of a breadcrumb, so a line break would make the next
     * leader unable to read it.
     *
     * @throws IllegalArgumentException when {@code participantId} is empty or spans lines
     */
    static String checkedParticipantId(String participantId) {
        Objects.requireNonNull(participantId, "participant id must not be null");
        if (participantId.isEmpty()) {
            throw new IllegalArgumentException("Participant id must not be empty: it names the leader in breadcrumbs"
                    + " and in LockInspector");
        }
        if (participantId.contains("\n") || participantId.contains("\r")) {
            throw new IllegalArgumentException("Participant id \"" + participantId.strip() + "\" must not contain a line"
                    + " break: breadcrumbs keep it on one line");
        }
        return participantId;
    }

    String name() {
        return name;
    }

    /** The group's name, for messages. */
    @Override
    public String toString() {
        return name;
    }

    CuratorFramework curator() {
        return curator;
    }

    /** Where {@link LeaderElection}'s latch nodes live. */
    String latchPath() {
        return LeaderElection.ROOT + "/" + name + "/latch";
    }

    /** Where {@link SelectorElection}'s lock nodes live. */
    String selectorPath() {
        return LeaderElection.ROOT + "/" + name + "/selector";
    }

    String breadcrumbPath() {
        return LeaderElection.ROOT + "/" + name + "/breadcrumb";
    }

    /**
     * Makes {@code participantId}, whose node {@code nodePath} is first in line, the leader: reads
     * the previous leader's breadcrumb, then replaces it with ours in a fenced write, so only a
     * participant that still holds its node can leave one.
     *
     * @param stepDown what {@link Leadership#release()} does for this style
     * @return the leadership, once its breadcrumb is written
     * @throws LockLostException when the node is gone or the write failed; the leadership is then
     *         already abandoned
     */
    Leadership takeOver(String participantId, String nodePath, long token, Runnable stepDown) throws Exception {
        Breadcrumb previous = readBreadcrumb();
        Leadership mine = new Leadership(curator, name, nodePath, token, previous, stepDown);
        Breadcrumb own = new Breadcrumb(participantId, token, clock.instant());
        try {
            mine.fencedWrite(List.of(previous == null
                    ? curator.transactionOp().create().forPath(breadcrumbPath(), own.encode())
                    : curator.transactionOp().setData().forPath(breadcrumbPath(), own.encode())));
        } catch (RuntimeException e) {
            mine.abandon("its breadcrumb could not be written: " + e.getMessage());
            throw e;
        }
        return mine;
    }

    private Breadcrumb readBreadcrumb() throws Exception {
        try {
            return Breadcrumb.decode(breadcrumbPath(), curator.getData().forPath(breadcrumbPath()));
        } catch (KeeperException.NoNodeException e) {
            // nobody led this group before; the recipe already made the group's folder
            return null;
        }
    }
}
