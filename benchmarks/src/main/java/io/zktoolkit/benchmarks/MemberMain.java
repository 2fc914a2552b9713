package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;

/**
 * Child-JVM main for {@link MemberDetectionCase}: a member the case kills with kill -9. It joins
 * with one {@link MembershipRecipe}, prints {@value #JOINED}, and waits to be killed. Arguments:
 * connect string, session timeout in ms, recipe name, group.
 */
public final class MemberMain {
    /** The line printed once the member joined. */
    static final String JOINED = "JOINED";

    private MemberMain() {
    }

    /** Joins and waits to be killed; exits with the benchmark JVM if that goes first. */
    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ChildProcess.connect(args[0], args[1]);
        MembershipRecipe.valueOf(args[2]).join(zk, args[3]);
        ChildProcess.announce(JOINED);
        ChildProcess.awaitKill();
    }
}
