package io.zktoolkit.locks.hive;

import io.zktoolkit.locks.LockLease;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks one statement holds, from {@link HiveLocks#lockAll}: released together, checked
 * together. Release it on the thread that took it.
 */
public final class HiveLockSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HiveLockSet.class);

    private final Map<HiveObject, LockLease> leases = new LinkedHashMap<>();

    HiveLockSet(List<HiveObject> objects, List<LockLease> leases) {
        for (int i = 0; i < objects.size(); i++) {
            this.leases.put(objects.get(i), leases.get(i));
        }
    }

    /** The lease on {@code object}, which must be one of the locked objects. */
    public LockLease lease(HiveObject object) {
        LockLease lease = leases.get(object);
        if (lease == null) {
            throw new IllegalArgumentException(object + " is not in this lock set; it holds " + leases.keySet());
        }
        return lease;
    }

    /** Each locked object's fencing token. */
    public Map<HiveObject, Long> tokens() {
        Map<HiveObject, Long> tokens = new LinkedHashMap<>();
        leases.forEach((object, lease) -> tokens.put(object, lease.token()));
        return Collections.unmodifiableMap(tokens);
    }

    /**
     * Throws unless every lock in the set may still act; call it before each side effect.
     *
     * @throws io.zktoolkit.locks.LockLostException naming the first lock that is not held
     */
    public void checkHeld() {
        leases.values().forEach(LockLease::checkHeld);
    }

    /** Releases every lock, innermost first. */
    @Override
    public void close() {
        releaseAll(new ArrayList<>(leases.values()));
    }

    static void releaseAll(List<LockLease> held) {
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                held.get(i).release();
            } catch (RuntimeException e) {
                LOG.warn("Could not release {}: {}", held.get(i), e.toString());
            }
        }
    }
}
