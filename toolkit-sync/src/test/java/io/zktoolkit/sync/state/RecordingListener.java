package io.zktoolkit.sync.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what one watcher was told, per job and task, for comparison with what was published. */
final class RecordingListener implements JobListener {
    final Map<String, List<Transition>> transitions = new ConcurrentHashMap<>();
    final Map<String, List<Long>> sequences = new ConcurrentHashMap<>();
    final List<String> missed = new CopyOnWriteArrayList<>();
    final List<String> abandoned = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();

    static String key(String jobId, String taskId) {
        return taskId == null ? jobId : jobId + "/" + taskId;
    }

    @Override
    public void changed(JobChange change) {
        String key = key(change.jobId(), change.taskId());
        transitions.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).addAll(change.entered());
        sequences.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(change.current().sequence());
        if (change.transitionsMissed()) {
            missed.add(key);
        }
    }

    @Override
    public void abandoned(String jobId, RunStatus last) {
        abandoned.add(jobId + ":" + last.state());
    }

    @Override
    public void removed(String jobId) {
        removed.add(jobId);
    }

    List<RunState> states(String key) {
        List<RunState> states = new ArrayList<>();
        transitions.getOrDefault(key, List.of()).forEach(t -> states.add(t.state()));
        return states;
    }
}
