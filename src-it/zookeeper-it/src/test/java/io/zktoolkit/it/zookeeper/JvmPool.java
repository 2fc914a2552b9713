package io.zktoolkit.it.zookeeper;

import io.zktoolkit.it.harness.ChildJvm;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed number of slots, each running one client JVM at a time, that a fault can kill and refill.
 * Every JVM ever started stays listed, so that the test can read the output of the dead ones too.
 */
final class JvmPool implements Closeable {
    /** Starts the JVM of a slot; {@code generation} counts the JVMs the slot has had, from 0. */
    @FunctionalInterface
    interface Launcher {
        ChildJvm start(int slot, int generation);
    }

    private final Launcher launcher;
    private final ChildJvm[] current;
    private final int[] generations;
    private final List<ChildJvm> everStarted = new ArrayList<>();

    JvmPool(int slots, Launcher launcher) {
        this.launcher = launcher;
        this.current = new ChildJvm[slots];
        this.generations = new int[slots];
        for (int slot = 0; slot < slots; slot++) {
            start(slot);
        }
    }

    private synchronized void start(int slot) {
        current[slot] = launcher.start(slot, generations[slot]++);
        everStarted.add(current[slot]);
    }

    synchronized ChildJvm get(int slot) {
        return current[slot];
    }

    /** The JVM now in each slot. */
    synchronized List<ChildJvm> current() {
        return List.of(current);
    }

    /** Every JVM started, dead or alive, in start order. */
    synchronized List<ChildJvm> everStarted() {
        return List.copyOf(everStarted);
    }

    /** Kills the slot's JVM with kill -9 and waits for it to end. */
    void kill9(int slot) {
        get(slot).kill9();
    }

    /** Starts a new JVM in the slot. */
    void restart(int slot) {
        start(slot);
    }

    int slots() {
        return current.length;
    }

    /** Kills every JVM still running. */
    @Override
    public void close() {
        everStarted().forEach(ChildJvm::close);
    }
}
