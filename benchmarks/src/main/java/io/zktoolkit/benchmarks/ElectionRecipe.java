package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.locks.LeaderElection;
import io.zktoolkit.recovery.failover.ActiveService;
import io.zktoolkit.recovery.failover.ActiveStandby;
import io.zktoolkit.recovery.failover.Takeover;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.locks.LeadershipListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;

/**
 * The two ways of electing a leader that {@link LeaderFailoverCase} compares, behind one call, so
 * that both sides run the same trial and the same child-JVM main ({@link ElectionParticipantMain}).
 */
enum ElectionRecipe {
    /** The toolkit's {@link LeaderElection}: told once the new leader has read the breadcrumb and left its own. */
    TOOLKIT {
        @Override
        AutoCloseable join(ToolkitClient client, String group, String participantId, Runnable onLeading) {
            LeaderElection election = LeaderElection.create(client, group, participantId);
            election.addListener(new LeadershipListener() {
                @Override
                public void isLeader(Leadership leadership) {
                    onLeading.run();
                }

                @Override
                public void notLeader() {
                    // The trials only time the way in.
                }
            });
            election.start();
            return election;
        }

        @Override
        String participantsPath(String group) {
            return LeaderElection.ROOT + "/" + group + "/latch";
        }
    },

    /**
     * The toolkit's {@link ActiveStandby}: told once the new active has fenced the previous one
     * (raised the epoch past its token) and recorded itself, that is when it can do work.
     */
    ACTIVE_STANDBY {
        @Override
        AutoCloseable join(ToolkitClient client, String group, String participantId, Runnable onLeading) {
            ActiveStandby participant = ActiveStandby.builder(client, group, participantId, new ActiveService() {
                @Override
                public void becomeActive(Takeover takeover) {
                    onLeading.run();
                }

                @Override
                public void becomeStandby(String why) {
                    // The trials only time the way in.
                }
            }).build();
            participant.start();
            return participant;
        }

        @Override
        String participantsPath(String group) {
            return LeaderElection.ROOT + "/" + group + "/latch";
        }
    },

    /** Curator's plain {@link LeaderLatch}, as jobs elect a leader without the toolkit. */
    CURATOR_LEADER_LATCH {
        @Override
        AutoCloseable join(ToolkitClient client, String group, String participantId, Runnable onLeading)
                throws Exception {
            LeaderLatch latch = new LeaderLatch(client.curator(), participantsPath(group), participantId);
            latch.addListener(new LeaderLatchListener() {
                @Override
                public void isLeader() {
                    onLeading.run();
                }

                @Override
                public void notLeader() {
                    // The trials only time the way in.
                }
            });
            latch.start();
            return latch;
        }

        @Override
        String participantsPath(String group) {
            return "/bench/leader-latch/" + group;
        }
    };

    /**
     * Joins {@code group} as {@code participantId}; {@code onLeading} runs once this participant can
     * act as leader. Closing the result leaves the election, handing leadership over if held.
     */
    abstract AutoCloseable join(ToolkitClient client, String group, String participantId, Runnable onLeading)
            throws Exception;

    /** The znode whose children are the group's participants, leader first. */
    abstract String participantsPath(String group);
}
