package io.zktoolkit.locks;

import java.util.Optional;

/**
 * This participant's leadership of an election group: a fencing token higher than every earlier
 * leader's, the {@link Breadcrumb} of the leader before, and fenced writes (see
 * {@link FencedOwnership}). {@link #release()} steps down by closing the election.
 */
public final class Leadership extends FencedOwnership {
    private final LeaderElection election;
    private final Breadcrumb previous;

    Leadership(LeaderElection election, String nodePath, long token, Breadcrumb previous) {
        super(election.curator(), "leadership of " + election.group(), nodePath, token);
        this.election = election;
        this.previous = previous;
    }

    /** The group led. */
    public String group() {
        return election.group();
    }

    /** Who led before, if anyone ever did: fence or clean up after it before acting. */
    public Optional<Breadcrumb> previousLeader() {
        return Optional.ofNullable(previous);
    }

    @Override
    void onRelease() {
        election.close();
    }
}
