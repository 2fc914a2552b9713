package io.zktoolkit.locks;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;

/**
 * This participant's leadership of an election group: a fencing token higher than every earlier
 * leader's, the {@link Breadcrumb} of the leader before, and fenced writes (see
 * {@link FencedOwnership}). Both styles of election hand one out: {@link LeaderElection} for as
 * long as the participant leads, {@link SelectorElection} for one run of its {@link LeaderWork}.
 *
 * <p>{@link #release()} steps down. For a {@link LeaderElection} it closes the election. For a
 * {@link SelectorElection} it ends the turn: the work is interrupted (unless it is the caller) and
 * should return, and the lock node goes when it does, so until then no one else leads and fenced
 * writes still succeed.
 */
public final class Leadership extends FencedOwnership {
    private final String group;
    private final Breadcrumb previous;
    private final Runnable stepDown;

    Leadership(CuratorFramework curator, String group, String nodePath, long token, Breadcrumb previous,
            Runnable stepDown) {
        super(curator, "leadership of " + group, nodePath, token);
        this.group = group;
        this.previous = previous;
        this.stepDown = stepDown;
    }

    /** The group led. */
    public String group() {
        return group;
    }

    /** Who led before, if anyone ever did: fence or clean up after it before acting. */
    public Optional<Breadcrumb> previousLeader() {
        return Optional.ofNullable(previous);
    }

    @Override
    void onRelease() {
        stepDown.run();
    }
}
