package io.zktoolkit.config.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.zktoolkit.config.AccessDeniedException;
import io.zktoolkit.config.AclMode;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.embedded.EmbeddedEnsemble;
import io.zktoolkit.config.settings.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * For ACL tests of every module: a real standalone ZooKeeper and clients of different identities.
 * Alice owns the nodes (digest {@code alice:alice-pw-4711}, the ACL mode the test picks); mallory
 * authenticates as another user ({@code zk.acl=creator}); an anonymous client has no credentials
 * ({@code zk.acl=open}). {@link #assertRefused} runs an attempt and checks the refusal and that the
 * whole tree, read with alice's identity, is unchanged.
 */
public final class AclClients implements AutoCloseable {
    public static final String ALICE = "alice";
    public static final String ALICE_PASSWORD = "alice-pw-4711";
    public static final String MALLORY_PASSWORD = "mallory-pw-0815";

    private final EmbeddedEnsemble ensemble = EmbeddedEnsemble.builder().build();
    private final List<AutoCloseable> opened = new ArrayList<>();

    public AclClients() {
        ensemble.start();
    }

    /** Alice, creating nodes with {@code mode}. */
    public ToolkitClient alice(AclMode mode) {
        return open(ALICE + ":" + ALICE_PASSWORD, mode);
    }

    /** Another authenticated user. */
    public ToolkitClient mallory() {
        return open("mallory:" + MALLORY_PASSWORD, AclMode.CREATOR);
    }

    /** A client without credentials. */
    public ToolkitClient anonymous() {
        return open(null, AclMode.OPEN);
    }

    /** A client authenticated with {@code digest} ({@code user:password}, or null for none). */
    public ToolkitClient open(String digest, AclMode mode) {
        ToolkitSettings.Builder b = ToolkitSettings.builder()
                .set(ToolkitKeys.CONNECT, ensemble.connectString())
                .set(ToolkitKeys.SESSION_TIMEOUT, Duration.ofSeconds(10))
                .set(ToolkitKeys.ACL, mode);
        if (digest != null) {
            b.set(ToolkitKeys.AUTH_DIGEST, Secret.of(digest));
        }
        return closeLater(ToolkitClient.open(b.build()));
    }

    /** Closes {@code resource} with this fixture, before the clients opened earlier. */
    public <T extends AutoCloseable> T closeLater(T resource) {
        opened.add(resource);
        return resource;
    }

    public String connectString() {
        return ensemble.connectString();
    }

    /** {@code client}'s identity at the ensemble's root (no namespace). */
    public static CuratorFramework root(ToolkitClient client) {
        return client.curator().usingNamespace(null);
    }

    /**
     * Every node below {@code /} (ZooKeeper's own excepted) as data, versions and ACL, read with
     * {@code reader}'s identity: equal before and after means a call changed nothing.
     */
    public static Map<String, String> snapshot(ToolkitClient reader) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        walk(root(reader), "/", tree);
        return tree;
    }

    /** Like {@link ZnodeTree#read}, but a node the reader may not read is recorded as such. */
    private static void walk(CuratorFramework root, String path, Map<String, String> tree) throws Exception {
        Stat stat = new Stat();
        String data;
        List<String> children;
        try {
            byte[] bytes = root.getData().storingStatIn(stat).forPath(path);
            data = bytes == null ? "-" : java.util.HexFormat.of().formatHex(bytes);
            children = root.getChildren().forPath(path);
        } catch (KeeperException.NoAuthException unreadable) {
            // exists() needs read access too; its parent's child version still shows any change
            tree.put(path, "(not readable)");
            return;
        } catch (KeeperException.NoNodeException goneMeanwhile) {
            return;
        }
        tree.put(path, data + " v" + stat.getVersion() + " cv" + stat.getCversion() + " av" + stat.getAversion()
                + " mzxid" + stat.getMzxid() + " children" + stat.getNumChildren());
        for (String child : children) {
            if (!(path.equals("/") && child.equals("zookeeper"))) {
                walk(root, ZKPaths.makePath(path, child), tree);
            }
        }
    }

    /** The ACL of every node below {@code /}, except {@code /} and ZooKeeper's own. */
    public static Map<String, List<ACL>> acls(ToolkitClient reader) throws Exception {
        CuratorFramework root = root(reader);
        Map<String, List<ACL>> acls = new TreeMap<>();
        for (String path : ZnodeTree.read(root).keySet()) {
            if (!path.equals("/")) {
                acls.put(path, root.getACL().forPath(path));
            }
        }
        return acls;
    }

    /** The ACL ZooKeeper stores for a node alice created with {@code mode}. */
    public static List<ACL> aliceAcl(AclMode mode) {
        Id alice;
        try {
            alice = new Id("digest", DigestAuthenticationProvider.generateDigest(ALICE + ":" + ALICE_PASSWORD));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return switch (mode) {
            case OPEN -> List.copyOf(ZooDefs.Ids.OPEN_ACL_UNSAFE);
            case CREATOR -> List.of(new ACL(ZooDefs.Perms.ALL, alice));
            case CREATOR_WORLD_READ -> List.of(new ACL(ZooDefs.Perms.ALL, alice),
                    new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
        };
    }

    /**
     * Asserts that every node alice's operations created (all nodes but {@code /} and ZooKeeper's,
     * the namespace root and parents included) carries {@code mode}'s ACL, except those
     * {@code exempt} selects. Returns how many nodes it checked.
     */
    public static int assertEveryNodeHas(AclMode mode, ToolkitClient alice, Predicate<String> exempt) throws Exception {
        Map<String, List<ACL>> acls = acls(alice);
        acls.keySet().removeIf(exempt);
        assertThat(acls).as("nodes alice created").isNotEmpty();
        acls.forEach((path, acl) -> assertThat(acl).as("ACL of %s under zk.acl=%s", path, mode)
                .containsExactlyInAnyOrderElementsOf(aliceAcl(mode)));
        return acls.size();
    }

    /**
     * Runs {@code attempt} and asserts it fails with an {@link AccessDeniedException} naming a znode
     * at or below {@code pathPrefix} (namespace included), NoAuth and the settings to check, with no
     * password anywhere in its stack trace; and that {@code owner} sees the same tree afterwards.
     *
     * @return the refusal, for further checks
     */
    public static AccessDeniedException assertRefused(ToolkitClient owner, String pathPrefix, ThrowingCallable attempt)
            throws Exception {
        Map<String, String> before = snapshot(owner);
        Throwable thrown = catchThrowable(attempt);
        assertThat(thrown).isInstanceOf(AccessDeniedException.class);
        AccessDeniedException denied = (AccessDeniedException) thrown;
        assertThat(denied.path()).as("refused znode").startsWith(pathPrefix);
        assertThat(denied.getMessage()).contains(denied.path(), "NoAuth", "zk.auth.digest", "zk.acl", "Nothing was changed");
        StringWriter trace = new StringWriter();
        denied.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(ALICE_PASSWORD).doesNotContain(MALLORY_PASSWORD);
        assertThat(denied.getCause()).isInstanceOf(KeeperException.NoAuthException.class);
        assertThat(snapshot(owner)).as("the tree after the refused attempt").isEqualTo(before);
        return denied;
    }

    /** The full path of {@code path} inside {@code client}'s namespace. */
    public static String full(ToolkitClient client, String path) {
        String ns = client.curator().getNamespace();
        return ns == null || ns.isEmpty() ? path : ZKPaths.makePath(ns, path);
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                System.err.println("Could not close " + opened.get(i) + ": " + e);
            }
        }
        ensemble.close();
    }
}
