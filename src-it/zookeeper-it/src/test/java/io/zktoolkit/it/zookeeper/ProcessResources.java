package io.zktoolkit.it.zookeeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The test JVM's threads and file descriptors at one moment, to find what a run leaked.
 *
 * <p>Not counted as leaks: threads the JDK starts on first use and keeps idle for a while (the
 * process reaper, the common fork-join pool, attach and cleaner threads), and descriptors of jar
 * files, which the class loader opens as classes are first loaded and keeps for the JVM's life.
 */
final class ProcessResources {
    private static final Pattern JDK_THREADS = Pattern.compile(
            "process reaper|ForkJoinPool\\.commonPool-worker-\\d+|Attach Listener|Common-Cleaner|Signal Dispatcher"
                    + "|Reference Handler|Finalizer|Notification Thread|surefire-forkedjvm-.*|junit-.*timeout.*");
    private static final Path FDS = Path.of("/proc/self/fd");

    private final Set<Thread> threads;
    private final List<String> fds;

    private ProcessResources(Set<Thread> threads, List<String> fds) {
        this.threads = threads;
        this.fds = fds;
    }

    static ProcessResources now() {
        Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
        threads.addAll(Thread.getAllStackTraces().keySet());
        return new ProcessResources(threads, openFiles());
    }

    /** Every open descriptor's target, jar files left out. */
    private static List<String> openFiles() {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> entries = Files.list(FDS)) {
            for (Path fd : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (!target.endsWith(".jar")) {
                        targets.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // Closed between the listing and the read (the listing's own descriptor, for one).
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list " + FDS, e);
        }
        return targets;
    }

    int openFileCount() {
        return fds.size();
    }

    int threadCount() {
        return threads.size();
    }

    /**
     * Threads alive now that were not at {@code before}, JDK ones left out, as "name (state)". Curator
     * 5.9's idle "SafeNotifyService" thread per closed client (apache/curator#1277) counts: the
     * toolkit's client gives Curator an executor it shuts down, so it leaves none.
     */
    List<String> threadsSince(ProcessResources before) {
        return threads.stream().filter(t -> !before.threads.contains(t) && t.isAlive())
                .filter(t -> !JDK_THREADS.matcher(t.getName()).matches())
                .map(t -> t.getName() + " (" + t.getState() + ")").sorted().toList();
    }

    /**
     * Leaks since {@code before}: threads, and descriptors beyond {@code fdSlack} more than there were.
     * Waits up to {@code settle} for closing clients' threads to end (a ZooKeeper client's threads end
     * shortly after its close returns).
     */
    static List<String> leaksSince(ProcessResources before, int fdSlack, Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            ProcessResources now = now();
            List<String> leaks = new ArrayList<>();
            now.threadsSince(before).forEach(t -> leaks.add("thread " + t + " was started during the soak and still runs"));
            if (now.openFileCount() > before.openFileCount() + fdSlack) {
                List<String> added = new ArrayList<>(now.fds);
                added.removeAll(before.fds);
                leaks.add(now.openFileCount() + " descriptors open (jars aside), " + before.openFileCount()
                        + " before, more than " + fdSlack + " of slack; new: " + added);
            }
            if (leaks.isEmpty() || System.nanoTime() > deadline) {
                return leaks;
            }
            Thread.sleep(200);
        }
    }
}
