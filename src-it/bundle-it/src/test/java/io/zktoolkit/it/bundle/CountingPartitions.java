package io.zktoolkit.it.bundle;

import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.spark.ExecutorClients;
import io.zktoolkit.locks.spark.PortableSettings;
import io.zktoolkit.sync.shared.DistributedCounter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * A Spark task's work through the bundle: per element, one counter increment and one plain
 * read-modify-write of a znode under a fenced mutex (exact only if the mutex excludes).
 * Carries only the connect string; the client is built on the executor.
 */
final class CountingPartitions implements FlatMapFunction<Iterator<Integer>, Integer> {
    private static final long serialVersionUID = 1L;
    static final String COUNTER = "bundle-it-elements";
    static final String MUTEX = "bundle-it-guarded";
    static final String GUARDED = "/bundle-it/guarded";

    private final String connectString;

    CountingPartitions(String connectString) {
        this.connectString = connectString;
    }

    @Override
    public Iterator<Integer> call(Iterator<Integer> elements) throws Exception {
        var client = ExecutorClients.client(PortableSettings.of(Map.of("zk.connect", connectString)));
        DistributedCounter counter = DistributedCounter.named(client, COUNTER);
        FencedMutex mutex = FencedMutex.named(client, MUTEX);
        int seen = 0;
        while (elements.hasNext()) {
            elements.next();
            counter.increment();
            try (LockLease lease = mutex.acquire(Duration.ofSeconds(30)).orElseThrow()) {
                byte[] before = client.curator().getData().forPath(GUARDED);
                long next = Long.parseLong(new String(before, StandardCharsets.UTF_8)) + 1;
                lease.fencedSetData(GUARDED, Long.toString(next).getBytes(StandardCharsets.UTF_8));
            }
            seen++;
        }
        return List.of(seen).iterator();
    }
}
