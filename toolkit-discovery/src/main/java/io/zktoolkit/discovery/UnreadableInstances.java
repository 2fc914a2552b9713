package io.zktoolkit.discovery;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.curator.x.discovery.details.InstanceSerializer;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the instance znodes of one service that Curator's cache could not read. The cache drops
 * such a znode with an ERROR and a stack trace that name no path, so an operator cannot tell
 * which node to look at. After each change of the view, the service's children that the cache
 * does not hold are read once more in the background; one whose data does not parse is reported
 * with its full path, once per version of its data. A child that parses is a registration the
 * cache has not caught up with yet, and is left alone.
 */
final class UnreadableInstances {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableInstances.class);

    private final CuratorFramework curator;
    private final InstanceSerializer<EndpointDetails> serializer;
    private final String service;
    private final String path;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    UnreadableInstances(CuratorFramework curator, InstanceSerializer<EndpointDetails> serializer, String basePath, String service) {
        this.curator = curator;
        this.serializer = serializer;
        this.service = service;
        this.path = ZKPaths.makePath(basePath, service);
    }

    /**
     * Checks the children not among {@code readIds} (the ids the cache holds); returns at once. The
     * children are listed only when the service's znode counts more of them than the cache holds,
     * so a view of thousands of instances pays one small read per change, not a listing.
     */
    void check(Set<String> readIds) {
        try {
            curator.checkExists().inBackground((client, event) -> {
                if (event.getResultCode() == KeeperException.Code.OK.intValue() && event.getStat().getNumChildren() > readIds.size()) {
                    list(readIds);
                }
            }).forPath(path);
        } catch (Exception e) {
            LOG.debug("Could not count the instances of service {} to name unreadable ones: {}", service, e.toString());
        }
    }

    private void list(Set<String> readIds) throws Exception {
        curator.getChildren().inBackground((client, event) -> {
            if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
                event.getChildren().stream().filter(child -> !readIds.contains(child))
                        .forEach(child -> read(ZKPaths.makePath(path, child)));
            }
        }).forPath(path);
    }

    private void read(String znode) {
        try {
            curator.getData().inBackground((client, event) -> parse(znode, event)).forPath(znode);
        } catch (Exception e) {
            LOG.debug("Could not read {} to check it: {}", znode, e.toString());
        }
    }

    private void parse(String znode, CuratorEvent event) {
        if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            return;
        }
        try {
            serializer.deserialize(event.getData());
        } catch (Exception e) {
            if (reported.add(znode + "@" + event.getStat().getMzxid())) {
                String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName());
                LOG.warn("Skipping znode {} of service {}: its {} bytes are not a service instance ({}); stock Curator"
                        + " clients skip it too", ZKPaths.fixForNamespace(curator.getNamespace(), znode), service,
                        event.getData() == null ? 0 : event.getData().length, why);
            }
        }
    }
}
