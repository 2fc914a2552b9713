package io.zktoolkit.config.testing;

import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;

/**
 * Every znode of an ensemble with its data, read with a plain Curator client (no namespace, none
 * of the toolkit's code), so a bad-input test can show that a refused call wrote nothing:
 * compare {@link #read} before and after.
 */
public final class ZnodeTree {
    private ZnodeTree() {
    }

    /** A started plain client at the ensemble's root; close it after use. */
    public static CuratorFramework plainClient(String connectString) {
        CuratorFramework plain = CuratorFrameworkFactory.newClient(connectString, 5_000, 5_000, new RetryOneTime(100));
        plain.start();
        return plain;
    }

    /** Path to data (hex, {@code -} for none) of every node below {@code /}, except ZooKeeper's own. */
    public static Map<String, String> read(CuratorFramework plain) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        walk(plain, "/", tree);
        return tree;
    }

    private static void walk(CuratorFramework plain, String path, Map<String, String> tree) throws Exception {
        try {
            byte[] data = plain.getData().forPath(path);
            tree.put(path, data == null ? "-" : HexFormat.of().formatHex(data));
            for (String child : plain.getChildren().forPath(path)) {
                if (!(path.equals("/") && child.equals("zookeeper"))) {
                    walk(plain, ZKPaths.makePath(path, child), tree);
                }
            }
        } catch (KeeperException.NoNodeException goneMeanwhile) {
            // an ephemeral node of a closing client: not part of the tree any more
        }
    }
}
