package io.zktoolkit.config;

import java.util.List;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;

/**
 * ZooKeeper refused an operation because a znode's ACL does not grant this client's identity the
 * permission ({@code NoAuth}); nothing was changed. The message names the znode (with the client's
 * namespace) and the settings to check, never a credential.
 *
 * <p>Every module turns a {@link KeeperException.NoAuthException} into this exception through
 * {@link #throwIfDenied}, so a refusal reads the same whichever recipe met it.
 */
public class AccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String path;

    private AccessDeniedException(String action, String path, KeeperException.NoAuthException cause) {
        super("Access denied: could not " + action + ": ZooKeeper refused it on " + (path == null ? "a znode" : path)
                + " (NoAuth: the znode's ACL does not grant this client's identity that permission). Nothing was changed."
                + " The toolkit's znodes carry the ACL of " + ToolkitKeys.ACL.name() + " and, under creator modes, belong to"
                + " the identity that created them: check that " + ToolkitKeys.AUTH_DIGEST.name()
                + " names the same user as the jobs that created them, and that every job sharing this namespace uses"
                + " the same " + ToolkitKeys.ACL.name(), cause);
        this.path = path;
    }

    /** The znode ZooKeeper refused the operation on, namespace included; null when it did not say. */
    public String path() {
        return path;
    }

    /**
     * Throws an {@code AccessDeniedException} when {@code failure}, or one of its causes, is a
     * {@code NoAuthException}; returns otherwise, so that the caller reports its own failure.
     *
     * @param action what was attempted, completing "could not ...": {@code publish configuration set db}
     */
    public static void throwIfDenied(Throwable failure, String action) {
        KeeperException.NoAuthException denied = noAuth(failure);
        if (denied != null) {
            throw new AccessDeniedException(action, denied.getPath(), denied);
        }
    }

    /**
     * The same for a transaction of {@code ops}: ZooKeeper reports no path for a refused
     * transaction, only which operation failed, so the path is taken from that operation.
     */
    public static void throwIfDenied(Throwable failure, String action, List<CuratorOp> ops) {
        KeeperException.NoAuthException denied = noAuth(failure);
        if (denied == null) {
            return;
        }
        String path = denied.getPath();
        int failed = TransactionFailure.failedOp(denied);
        if (path == null && failed >= 0 && failed < ops.size()) {
            path = ops.get(failed).get().getPath();
        }
        throw new AccessDeniedException(action, path, denied);
    }

    /** The refusal in {@code failure}'s causes; one already mapped is thrown as it is, keeping its path. */
    private static KeeperException.NoAuthException noAuth(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException mapped) {
                throw mapped;
            }
            if (t instanceof KeeperException.NoAuthException e) {
                return e;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
