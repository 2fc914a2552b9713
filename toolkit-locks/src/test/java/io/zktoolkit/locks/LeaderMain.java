package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;

/** Child-JVM main for {@link LeaderElectionTest}: joins an election and reports when it leads. Args: connect, group, id, session ms. */
public final class LeaderMain {
    private LeaderMain() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[3])))
                .build());
        LeaderElection election = LeaderElection.create(zk, args[1], args[2]);
        election.addListener(new LeadershipListener() {
            @Override
            public void isLeader(Leadership leadership) {
                System.out.println("LEADER token=" + leadership.token());
                System.out.flush();
            }

            @Override
            public void notLeader() {
                System.out.println("NOT LEADER");
                System.out.flush();
            }
        });
        election.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
