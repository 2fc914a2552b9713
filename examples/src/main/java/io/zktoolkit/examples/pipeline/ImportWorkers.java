package io.zktoolkit.examples.pipeline;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's import workers: one child JVM each in the Sqoop world, all members of one work fleet.
 * Their output lines become {@link WorkerEvent}s, shown on the timeline as they are read and kept
 * for the report.
 */
final class ImportWorkers implements Closeable {
    private final Path workerProperties;
    private final String fleet;
    private final String configSet;
    private final Path targetRoot;
    private final Path workRoot;
    private final Timeline timeline;
    private final Map<String, ImportWorkerProcess> workers = new LinkedHashMap<>();
    private final Map<String, Integer> readLines = new HashMap<>();
    private final List<WorkerEvent> history = new ArrayList<>();
    private final Map<String, Integer> starts = new HashMap<>();

    ImportWorkers(Path workerProperties, String fleet, String configSet, Path targetRoot, Path workRoot, Timeline timeline) {
        this.workerProperties = workerProperties;
        this.fleet = fleet;
        this.configSet = configSet;
        this.targetRoot = targetRoot;
        this.workRoot = workRoot;
        this.timeline = timeline;
    }

    /** Starts {@code memberId}'s JVM (again, after a kill: a new process under the same member id). */
    void start(String memberId) {
        int start = starts.merge(memberId, 1, Integer::sum);
        Path log = workRoot.resolve("logs").resolve(memberId + (start > 1 ? "-" + start : "") + ".log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the workers' log folder " + log.getParent(), e);
        }
        ImportWorkerProcess process = ImportWorkerProcess.start(workerProperties, memberId, fleet, configSet, targetRoot,
                workRoot.resolve(memberId), log);
        workers.put(memberId, process);
        readLines.put(memberId, 0);
        timeline.event(memberId, "started, pid " + process.pid() + ", log " + log);
    }

    /** Kills {@code memberId}'s JVM with SIGKILL: no cleanup, its session lingers until it expires. */
    void kill9(String memberId) {
        ImportWorkerProcess process = workers.get(memberId);
        poll();
        process.kill9();
        timeline.event(memberId, "KILLED with kill -9 (pid " + process.pid() + ")");
    }

    /** The events printed since the last poll, oldest first, also written to the timeline. */
    List<WorkerEvent> poll() {
        List<WorkerEvent> events = new ArrayList<>();
        for (Map.Entry<String, ImportWorkerProcess> worker : workers.entrySet()) {
            List<String> lines = worker.getValue().lines();
            int from = readLines.get(worker.getKey());
            for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
                WorkerEvent.parse(worker.getKey(), line, timeline.elapsed()).ifPresent(events::add);
            }
            readLines.put(worker.getKey(), lines.size());
        }
        for (WorkerEvent e : events) {
            timeline.event(e.worker(), describe(e));
        }
        history.addAll(events);
        return events;
    }

    /** Every event read so far. */
    List<WorkerEvent> history() {
        return List.copyOf(history);
    }

    boolean isAlive(String memberId) {
        ImportWorkerProcess process = workers.get(memberId);
        return process != null && process.isAlive();
    }

    private static String describe(WorkerEvent e) {
        return switch (e.kind()) {
            case READY -> "joined the fleet";
            case LEADER -> "LEADS the fleet: assigns tables to workers";
            case CONFIG -> "uses configuration v" + e.subject() + " " + e.detail();
            case STARTED -> "importing " + e.subject();
            case COMPLETED -> "completed " + e.subject() + ": " + e.detail();
            case REVOKED -> "gave up " + e.subject() + " (reassigned)";
            case FAILED -> "FAILED " + e.subject() + ": " + e.detail();
        };
    }

    @Override
    public void close() {
        workers.values().forEach(ImportWorkerProcess::close);
    }
}
