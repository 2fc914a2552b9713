package io.zktoolkit.examples.pipeline;

import io.zktoolkit.sync.state.JobChange;
import io.zktoolkit.sync.state.JobListener;
import io.zktoolkit.sync.state.RunStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints one board job's Spark stages as they progress (the tasks {@code stage-<id>} that
 * {@code JobProgressListener} publishes): a bar with tasks done of total, on each change of state
 * and at most once per {@value #MIN_GAP_MS} ms of progress per stage.
 */
public final class StageProgressPrinter implements JobListener {
    private static final long MIN_GAP_MS = 1000;
    private static final int BAR = 20;

    private final String jobId;
    private final Consumer<String> out;
    private final Map<String, Long> lastPrinted = new HashMap<>();
    private final Map<String, RunStatus> lastSeen = new HashMap<>();

    /** Follows board job {@code jobId}, giving each progress line to {@code out}. */
    public StageProgressPrinter(String jobId, Consumer<String> out) {
        this.jobId = jobId;
        this.out = out;
    }

    @Override
    public synchronized void changed(JobChange change) {
        if (!change.jobId().equals(jobId)) {
            return;
        }
        RunStatus now = change.current();
        if (!change.isTask()) {
            if (!change.entered().isEmpty()) {
                out.accept("application " + now.state() + (now.message().isEmpty() ? "" : ": " + now.message()));
            }
            return;
        }
        if (!change.taskId().startsWith("stage-")) {
            return;
        }
        RunStatus before = lastSeen.put(change.taskId(), now);
        boolean newState = before == null || before.state() != now.state();
        long at = System.currentTimeMillis();
        boolean due = at - lastPrinted.getOrDefault(change.taskId(), 0L) >= MIN_GAP_MS;
        if (newState || (due && before.done() != now.done())) {
            lastPrinted.put(change.taskId(), at);
            out.accept(line(now));
        }
    }

    @Override
    public void abandoned(String id, RunStatus last) {
        if (id.equals(jobId)) {
            out.accept("application ABANDONED: its driver is gone without ending it");
        }
    }

    static String line(RunStatus stage) {
        int filled = stage.total() > 0 ? (int) Math.min(BAR, stage.done() * BAR / stage.total()) : 0;
        String name = stage.attributes().getOrDefault("name", "");
        return String.format("  %-9s [%s%s] %3d/%-3d tasks %-9s %s", stage.id(), "#".repeat(filled), "-".repeat(BAR - filled),
                stage.done(), stage.total(), stage.state(), name);
    }
}
