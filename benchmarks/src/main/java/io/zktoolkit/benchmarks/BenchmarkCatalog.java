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
                LeaderFailoverCase.cleanClose(),
                LeaderFailoverCase.killNine(),
                MemberDetectionCase.withSession(2000),
                MemberDetectionCase.withSession(5000),
                MemberDetectionCase.withSession(10000),
                LeaderFailoverCase.takeover(2000),
                LeaderFailoverCase.takeover(5000),
                LeaderFailoverCase.takeover(10000),
                InstanceSelectionCase.standard(3),
                InstanceSelectionCase.standard(300),
                InstanceSelectionCase.standard(3000),
                new RingSpreadCase(10, RingSpreadCase.Measure.KEYS_MOVED_ON_JOIN),
                new RingSpreadCase(100, RingSpreadCase.Measure.KEYS_MOVED_ON_JOIN),
                new RingSpreadCase(1000, RingSpreadCase.Measure.KEYS_MOVED_ON_JOIN),
                new RingSpreadCase(10, RingSpreadCase.Measure.MAX_OVER_MEAN_LOAD),
                new RingSpreadCase(100, RingSpreadCase.Measure.MAX_OVER_MEAN_LOAD),
                new RingSpreadCase(1000, RingSpreadCase.Measure.MAX_OVER_MEAN_LOAD),
                new HiveLookupCase(),
                HiveConnectCase.oneServer(),
                HiveConnectCase.oneOfTwoDead(),
                RemoteSideCase.sqoopIncrementalImport(),
                RemoteSideCase.sparkJobProgressListener(),
                RemoteSideCase.sparkClusterPartitionLocks());
    }
}
