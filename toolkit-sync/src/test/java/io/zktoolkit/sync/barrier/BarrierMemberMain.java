package io.zktoolkit.sync.barrier;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.time.Duration;

/**
 * Child-JVM member for {@link DoubleBarrierTest}: enters a barrier, says ENTERED, then stays
 * inside until killed. Arguments: connect string, barrier name, parties, member id, session ms.
 */
public final class BarrierMemberMain {
    private BarrierMemberMain() {
    }

    public static void main(String[] args) throws Exception {
        ToolkitClient zk = ToolkitClient.open(ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, args[0])
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofMillis(Long.parseLong(args[4])))
                .build());
        DoubleBarrier barrier = DoubleBarrier.builder(zk, args[1]).parties(Integer.parseInt(args[2])).memberId(args[3]).build();
        System.out.println("ARRIVING");
        barrier.enter(Duration.ofMinutes(5));
        System.out.println("ENTERED");
        Thread.sleep(Long.MAX_VALUE);
    }
}
