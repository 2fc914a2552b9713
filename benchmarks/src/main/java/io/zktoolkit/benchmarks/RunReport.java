package io.zktoolkit.benchmarks;

import java.time.Instant;
import java.util.List;

/**
 * Every case's result, with enough about the machine to tell two runs apart.
 *
 * @param timestamp when the run finished
 * @param javaVersion {@code java.version}
 * @param javaVm VM name and vendor
 * @param os operating system name, version and architecture
 * @param availableProcessors processors the JVM saw
 * @param results one per case, in run order
 */
public record RunReport(Instant timestamp, String javaVersion, String javaVm, String os, int availableProcessors,
        List<CaseResult> results) {
    /** Copies the list. */
    public RunReport {
        results = List.copyOf(results);
    }

    /** A report stamped now with this JVM's environment. */
    public static RunReport ofThisJvm(List<CaseResult> results) {
        return new RunReport(Instant.now(), System.getProperty("java.version"),
                System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), results);
    }

    /** Whether every case completed. */
    public boolean allCompleted() {
        return results.stream().allMatch(CaseResult::completed);
    }
}
