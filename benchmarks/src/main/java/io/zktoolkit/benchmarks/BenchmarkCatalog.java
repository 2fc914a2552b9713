package io.zktoolkit.benchmarks;

import java.util.List;

/** The cases {@link BenchmarkRunner} runs, in order. A new case is one class and one line here. */
public final class BenchmarkCatalog {
    private BenchmarkCatalog() {
    }

    /** Fresh instances of every registered case. */
    public static List<BenchmarkCase> all() {
        return List.of(
                new EmbeddedConnectCase(),
                new EmbeddedQuorumConnectCase(),
                PublishToListenersCase.standard(50),
                PublishToListenersCase.standard(99),
                SnapshotReadCase.standard(),
                MutexAcquireReleaseCase.standard(),
                MutexHandOffCase.standard(),
                new HiveLookupCase(),
                HiveConnectCase.oneServer(),
                HiveConnectCase.oneOfTwoDead());
    }
}
