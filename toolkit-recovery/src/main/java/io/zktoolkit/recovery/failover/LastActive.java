package io.zktoolkit.recovery.failover;

import io.zktoolkit.locks.Breadcrumb;
import io.zktoolkit.locks.Leadership;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Who was last <em>active</em> in a group, as opposed to who was last elected: the election's own
 * breadcrumb is written when a participant is elected, before it fences, so a participant that
 * was elected but could not fence would otherwise hide the active it failed to fence from the
 * next leader. This record is written only after fencing worked, in a write fenced by the new
 * active's leadership.
 */
final class LastActive {
    private static final String FORMAT = "active-v1";

    private final CuratorFramework curator;
    private final String path;

    LastActive(CuratorFramework curator, String group) {
        this.curator = curator;
        this.path = "/failover/" + group + "/active";
    }

    String path() {
        return path;
    }

    Optional<Breadcrumb> read() throws Exception {
        byte[] data;
        try {
            data = curator.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
        String text = StoredText.decode(path, data);
        List<String> f;
        try {
            f = EscapedFields.split(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, e.getMessage());
        }
        if (f.size() != 4 || !f.get(0).equals(FORMAT)) {
            throw new CorruptSyncDataException(path, "expected an " + FORMAT + " record of 4 fields, found '"
                    + StoredText.abbreviate(text) + "'");
        }
        try {
            return Optional.of(new Breadcrumb(f.get(1), Long.parseLong(f.get(2)), Instant.parse(f.get(3))));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "a field of the record is unreadable: " + e.getMessage());
        }
    }

    /** Records {@code participantId} as active, only while {@code leadership} holds. */
    void write(Leadership leadership, String participantId, Instant since) throws Exception {
        byte[] data = EscapedFields.join(List.of(FORMAT, participantId, Long.toString(leadership.token()), since.toString()))
                .getBytes(StandardCharsets.UTF_8);
        Stat stat = curator.checkExists().forPath(path);
        CuratorOp op;
        if (stat == null) {
            try {
                curator.create().creatingParentContainersIfNeeded().forPath(ZKPaths.getPathAndNode(path).getPath());
            } catch (KeeperException.NodeExistsException e) {
                // There already.
            }
            op = curator.transactionOp().create().forPath(path, data);
        } else {
            op = curator.transactionOp().setData().forPath(path, data);
        }
        leadership.fencedWrite(List.of(op));
    }
}
