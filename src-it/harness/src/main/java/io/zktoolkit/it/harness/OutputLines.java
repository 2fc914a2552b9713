package io.zktoolkit.it.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The most recent lines a child process printed, with a way to wait for one.
 *
 * <p>Bounded so that a chatty child cannot exhaust the test JVM's heap; the oldest lines go first.
 */
final class OutputLines {

    private final int capacity;
    private final List<String> lines = new ArrayList<>();
    /** Lines dropped from the front so far; keeps line numbers absolute across trimming. */
    private long dropped;
    private boolean ended;

    OutputLines(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(String line) {
        lines.add(line);
        if (lines.size() > capacity) {
            // Trim in batches: removing from the front of an ArrayList one line at a time is quadratic.
            int excess = lines.size() - capacity / 2;
            lines.subList(0, excess).clear();
            dropped += excess;
        }
        notifyAll();
    }

    /** Marks the end of output, so that waiters stop waiting for lines that cannot come. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    synchronized boolean ended() {
        return ended;
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    synchronized List<String> tail(int count) {
        return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /**
     * Returns the first retained line that matches, waiting for new lines until the timeout or the end
     * of output.
     */
    synchronized Optional<String> await(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long next = 0;
        while (true) {
            for (long i = Math.max(next, dropped); i < dropped + lines.size(); i++) {
                String line = lines.get((int) (i - dropped));
                if (matcher.test(line)) {
                    return Optional.of(line);
                }
            }
            next = dropped + lines.size();
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }
}
