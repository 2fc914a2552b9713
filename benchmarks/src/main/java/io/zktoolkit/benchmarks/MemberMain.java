package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.it.harness.ParentWatch;
import java.time.Duration;

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
        ParentWatch.haltWhenParentExits();
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[1])))
                .build());
        MembershipRecipe.valueOf(args[2]).join(zk, args[3]);
        System.out.println(JOINED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
