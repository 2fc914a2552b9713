package io.zktoolkit.sync.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the board bounded: a finished job stays for the retention time, and at most
 * {@code keepFinished} finished jobs stay at all (the newest); an abandoned job (its publisher
 * gone before it finished) goes once it has not changed for the retention time. Every board
 * runs the cleaner; two removing the same job at once is harmless.
 */
final class RetentionCleaner {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionCleaner.class);

    private final CuratorFramework curator;
    private final String root;
    private final Duration retention;
    private final int keepFinished;

    RetentionCleaner(CuratorFramework curator, String root, Duration retention, int keepFinished) {
        this.curator = curator;
        this.root = root;
        this.retention = retention;
        this.keepFinished = keepFinished;
    }

    List<String> cleanUp(List<JobSnapshot> jobs, Instant now) {
        Instant cutoff = now.minus(retention);
        List<String> expired = new ArrayList<>();
        List<JobSnapshot> finished = new ArrayList<>();
        for (JobSnapshot s : jobs) {
            RunStatus job = s.job();
            if (job.state().isFinished()) {
                if (job.since().isBefore(cutoff)) {
                    expired.add(job.id());
                } else {
                    finished.add(s);
                }
            } else if (s.isAbandoned() && job.updatedAt().isBefore(cutoff)) {
                expired.add(job.id());
            }
        }
        finished.sort(Comparator.comparing((JobSnapshot s) -> s.job().since()).reversed());
        for (int i = keepFinished; i < finished.size(); i++) {
            expired.add(finished.get(i).job().id());
        }
        List<String> removed = new ArrayList<>();
        for (String jobId : expired) {
            try {
                curator.delete().deletingChildrenIfNeeded().forPath(ZKPaths.makePath(root, jobId));
                removed.add(jobId);
            } catch (KeeperException.NoNodeException e) {
                // another board removed it first
            } catch (Exception e) {
                LOG.warn("Job board: could not remove job {} under {} ({}); the next pass retries", jobId, root, e.toString());
            }
        }
        return removed;
    }
}
