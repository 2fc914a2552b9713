package io.zktoolkit.config;

import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;

/** What a failed ZooKeeper transaction says about itself: ZooKeeper names no path, only which operation failed. */
public final class TransactionFailure {
    private TransactionFailure() {
    }

    /** The index of the operation that failed the transaction, or -1 when ZooKeeper did not say. */
    public static int failedOp(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results == null) {
            return -1;
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof OpResult.ErrorResult error
                    && error.getErr() != KeeperException.Code.OK.intValue()
                    && error.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                return i;
            }
        }
        return -1;
    }
}
