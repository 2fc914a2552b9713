package io.zktoolkit.locks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;

/**
 * Child-JVM main for {@link SelectorElectionTest}: joins a selector election whose work reports the
 * token and then never returns, so the child leads until it dies. Args: connect, group, id, session ms.
 */
public final class SelectorLeaderMain {
    private SelectorLeaderMain() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[3])))
                .build());
        SelectorElection election = SelectorElection.builder(zk).group(args[1]).participantId(args[2])
                .work(leadership -> {
                    System.out.println("LEADER token=" + leadership.token());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                })
                .build();
        election.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
