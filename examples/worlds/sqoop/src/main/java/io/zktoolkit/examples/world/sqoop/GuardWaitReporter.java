package io.zktoolkit.examples.world.sqoop;

import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.sqoop.SqoopImportGuard;
import java.util.Optional;

/**
 * While an import waits for its table's guard, says who holds it: {@code PHASE WAITING holder=<h>
 * token=<t>} once the wait has lasted {@value #FIRST_MS} ms, and again whenever the holder changes.
 * A wait on a busy table otherwise looks like a hang.
 */
final class GuardWaitReporter implements AutoCloseable {
    private static final long FIRST_MS = 1000;
    private static final long POLL_MS = 500;

    private final SqoopImportGuard guard;
    private final String table;
    private final Thread thread;
    private volatile boolean done;

    GuardWaitReporter(SqoopImportGuard guard, String table) {
        this.guard = guard;
        this.table = table;
        this.thread = new Thread(this::watch, "guard-wait-" + table);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The guard is held (or the import ended): nothing more to say. */
    @Override
    public void close() {
        done = true;
        thread.interrupt();
    }

    private void watch() {
        String shown = null;
        try {
            Thread.sleep(FIRST_MS);
            while (!done) {
                Optional<LockInspector.LockInfo> lock = guard.tableLock(table);
                String holder = lock.map(l -> "holder=" + l.holder() + " token=" + l.token()).orElse(null);
                if (!done && holder != null && !holder.equals(shown)) {
                    Console.say("PHASE WAITING " + holder);
                    shown = holder;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Progress only: a failed look leaves the import itself untouched.
        }
    }

}
