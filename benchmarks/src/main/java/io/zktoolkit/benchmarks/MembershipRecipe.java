package io.zktoolkit.benchmarks;

import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.recovery.membership.FailureDetector;
import io.zktoolkit.recovery.membership.FleetMembership;
import io.zktoolkit.recovery.membership.MemberHealthListener;
import io.zktoolkit.recovery.membership.MemberRecord;
import java.time.Duration;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;

/**
 * The two ways of noticing a dead member that {@link MemberDetectionCase} compares: a member joins
 * in its own JVM ({@link MemberMain}) and a watcher in the benchmark's JVM is told when it dies.
 */
enum MembershipRecipe {
    /** The toolkit's {@link FleetMembership} with heartbeats, watched by a {@link FailureDetector}. */
    TOOLKIT {
        @Override
        void join(ToolkitClient client, String group) {
            FleetMembership.builder(client, group, "member").heartbeatInterval(Duration.ofMillis(500)).build().start();
        }

        @Override
        AutoCloseable watch(ToolkitClient client, String group, Runnable onJoined, Runnable onDead) {
            FailureDetector detector = FailureDetector.create(client, group, Duration.ofMillis(1500));
            detector.addListener(new MemberHealthListener() {
                @Override
                public void joined(MemberRecord member) {
                    onJoined.run();
                }

                @Override
                public void dead(MemberRecord member) {
                    onDead.run();
                }
            });
            detector.start();
            return detector;
        }
    },

    /** What jobs do without the toolkit: a plain ephemeral node, watched by Curator's {@link CuratorCache}. */
    CURATOR_EPHEMERAL_NODE {
        @Override
        void join(ToolkitClient client, String group) throws Exception {
            client.curator().create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(parent(group) + "/member");
        }

        @Override
        AutoCloseable watch(ToolkitClient client, String group, Runnable onJoined, Runnable onDead) throws Exception {
            client.curator().create().creatingParentsIfNeeded().forPath(parent(group));
            CuratorCache cache = CuratorCache.build(client.curator(), parent(group));
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forCreates(node -> {
                        if (!node.getPath().equals(parent(group))) {
                            onJoined.run();
                        }
                    })
                    .forDeletes(node -> onDead.run())
                    .build());
            cache.start();
            return cache;
        }

        private String parent(String group) {
            return "/bench/members/" + group;
        }
    };

    /** Joins {@code group} as its one member, until the process dies. */
    abstract void join(ToolkitClient client, String group) throws Exception;

    /** Watches {@code group}: {@code onJoined} when the member appears, {@code onDead} when it is gone. */
    abstract AutoCloseable watch(ToolkitClient client, String group, Runnable onJoined, Runnable onDead) throws Exception;
}
