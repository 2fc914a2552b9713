package io.zktoolkit.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.testing.QuorumClients;
import io.zktoolkit.config.testing.ZnodeTree;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Foreign nodes and bad names in the lock recipes' znodes, on a real 3-server quorum: each is
 * refused or treated conservatively with a clear message, never crashes a holder or the
 * inspector, and is never deleted or "repaired". The readers themselves are fuzzed by
 * {@link FencingRecordsFuzzTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputBatteryTest {
    private final QuorumClients quorum = new QuorumClients();

    @AfterEach
    void stop() {
        quorum.close();
    }

    /**
     * A node another tool left in a shared-exclusive queue, named like a queue node but with a bad
     * {@code %} escape. Before QueueNodeName caught it, every acquire and every inspection of this
     * lock failed with URLDecoder's IllegalArgumentException.
     */
    @Test
    void aForeignNodeInALockQueueBlocksConservativelyAndIsLeftAlone() throws Exception {
        ToolkitClient zk = quorum.open();
        CuratorFramework plain = quorum.closeLater(ZnodeTree.plainClient(quorum.connectString()));
        HierarchyLock tables = new HierarchyLock(zk.curator(), "/locks/battery", Holder.current("battery"));
        String foreign = "/zktoolkit/locks/battery/X~%zz~lock-0000000000";
        plain.create().creatingParentsIfNeeded().forPath(foreign, "not ours".getBytes(StandardCharsets.UTF_8));

        Optional<LockLease> lease = tables.lock(List.of("orders"), LockMode.SHARED).acquire(Duration.ofMillis(300));
        assertThat(lease).as("an unreadable earlier node may conflict, so it is waited for").isEmpty();
        assertThat(new LockInspector(zk).locks()).isNotNull();
        assertThat(plain.getData().forPath(foreign)).asString(StandardCharsets.UTF_8).isEqualTo("not ours");

        plain.delete().forPath(foreign);
        try (LockLease held = tables.lock(List.of("orders"), LockMode.SHARED).acquire(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(held.token()).isPositive();
        }
    }

    @Test
    void invalidLockPathsAndObjectsAreRefusedBeforeAnyWrite() throws Exception {
        ToolkitClient zk = quorum.open();
        CuratorFramework plain = quorum.closeLater(ZnodeTree.plainClient(quorum.connectString()));
        Map<String, String> before = ZnodeTree.read(plain);
        for (String bad : new String[] {"", "locks/relative", "/locks/../x", "/locks/./x", "/locks//x", "/locks/x/",
                "/locks/\u0000x", "/locks/\u0001x"}) {
            assertThatThrownBy(() -> new HierarchyLock(zk.curator(), bad, Holder.current("battery"))).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid hierarchy lock path")
                    .hasMessageContaining("expected an absolute znode path").hasMessageNotContaining("\u0000");
        }
        HierarchyLock tables = new HierarchyLock(zk.curator(), "/locks/battery", Holder.current("battery"));
        for (List<String> object : List.of(List.of(""), List.of("db/orders"), List.of("db", ""))) {
            assertThatThrownBy(() -> tables.lock(object, LockMode.EXCLUSIVE)).as("%s", object)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("segments must be non-empty and must not contain '/'");
        }
        assertThat(ZnodeTree.read(plain)).isEqualTo(before);
    }
}
