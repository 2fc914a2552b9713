package io.zktoolkit.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/** The ACL the toolkit gives every node it creates ({@code zk.acl}). */
public enum AclMode {
    /** Anyone may read and change the nodes. */
    OPEN,
    /** Only the authenticated creator may read or change the nodes; needs {@code zk.auth.digest}. */
    CREATOR,
    /** Everyone may read, only the authenticated creator may change; needs {@code zk.auth.digest}. */
    CREATOR_WORLD_READ;

    /** Whether this mode needs the client to authenticate. */
    public boolean needsAuthentication() {
        return this != OPEN;
    }

    /** The ACL for new nodes. */
    public List<ACL> acl() {
        List<ACL> acl = new ArrayList<>();
        switch (this) {
            case OPEN -> acl.addAll(ZooDefs.Ids.OPEN_ACL_UNSAFE);
            case CREATOR -> acl.addAll(ZooDefs.Ids.CREATOR_ALL_ACL);
            case CREATOR_WORLD_READ -> {
                acl.addAll(ZooDefs.Ids.CREATOR_ALL_ACL);
                acl.addAll(ZooDefs.Ids.READ_ACL_UNSAFE);
            }
            default -> throw new IllegalStateException(name());
        }
        // Not List.copyOf: ZooKeeper's ACL check calls contains(null), which immutable lists reject.
        return Collections.unmodifiableList(acl);
    }

    /** A Curator provider that applies {@link #acl()} to every path. */
    public ACLProvider provider() {
        List<ACL> acl = acl();
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String path) {
                return acl;
            }
        };
    }
}
