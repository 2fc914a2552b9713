package io.zktoolkit.examples.pipeline;

import io.zktoolkit.config.ServerStatus;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import java.util.OptionalInt;

/** Which server of an embedded quorum leads it, asked of each running server with the {@code srvr} command. */
public final class QuorumLeader {
    private QuorumLeader() {
    }

    /** The leader's index, or empty while the quorum has none (an election is going on). */
    public static OptionalInt of(EmbeddedEnsemble ensemble) {
        for (int i = 0; i < ensemble.size(); i++) {
            if (ensemble.isRunning(i)
                    && ServerStatus.probe("127.0.0.1:" + ensemble.clientPort(i)).mode().equals("leader")) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }
}
