package io.zktoolkit.sync.sqoop;

/** Told each {@link ImportPhase} a run reaches, on the importing thread; for progress and for tests. */
@FunctionalInterface
public interface ImportPhaseListener {
    /**
     * @param phase the step just reached
     * @param runId the run's id (also the name of its pending folder)
     */
    void reached(ImportPhase phase, String runId);
}
