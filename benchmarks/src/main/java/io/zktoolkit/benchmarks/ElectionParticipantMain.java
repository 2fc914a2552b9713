package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;

/**
 * Child-JVM main for {@link LeaderFailoverCase}: a participant that the case can kill with kill -9.
 * It joins an election with one {@link ElectionRecipe}, prints {@value #LEADING} once it leads, and
 * waits to be killed. Arguments: connect string, session timeout in ms, recipe name, group,
 * participant id.
 */
public final class ElectionParticipantMain {
    /** The line printed once this participant leads. */
    static final String LEADING = "LEADING";

    private ElectionParticipantMain() {
    }

    /** Joins the election and waits to be killed; exits with the benchmark JVM if that goes first. */
    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ChildProcess.connect(args[0], args[1]);
        ElectionRecipe.valueOf(args[2]).join(zk, args[3], args[4], () -> ChildProcess.announce(LEADING));
        ChildProcess.awaitKill();
    }
}
