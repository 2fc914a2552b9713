package io.zktoolkit.it.zookeeper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The end checks of {@link ChaosSoakIT}, on data already read: each check adds violations as
 * sentences under its name, so a failing soak lists every one. Kept free of ZooKeeper so that
 * {@code SoakVerdictTest} can feed it recorded bad histories and see each reported.
 */
final class SoakVerdict {
    /** One violation: the check that found it and what is wrong. */
    record Violation(String check, String detail) {
        @Override
        public String toString() {
            return check + ": " + detail;
        }
    }

    /** One change a config watcher's listener heard: from version, to version, versions it says it skipped. */
    record Delivery(long previous, long current, List<Long> missed) {
    }

    /** A znode left at the end: its path under the namespace and whether it is a (plain) ephemeral node. */
    record Znode(String path, boolean ephemeral) {
    }

    private final List<Violation> violations = new ArrayList<>();

    /** Adds every detail as a violation of {@code check}. */
    void add(String check, Collection<String> details) {
        details.forEach(d -> violations.add(new Violation(check, d)));
    }

    /** Work exactly once: the fleet audit's findings. */
    void checkWork(List<FleetAudit.TaskRecord> tasks, String finalStep) {
        add("work exactly once", FleetAudit.violations(tasks, finalStep));
    }

    /** The fenced counter: no write accepted out of token order (a stale holder), none lost or unexplained. */
    void checkCounter(CounterAudit audit) {
        add("fenced resource: stale holder accepted", audit.tokenOrderViolations());
        add("fenced resource: lost increment", audit.lostIncrements());
        add("fenced resource: unexplained record", audit.unexplainedRecords());
    }

    /**
     * A config watcher: its listener heard every version in order, each once, naming the ones it had to
     * skip, and it ended at the final version with the final content.
     */
    void checkWatcher(String watcher, List<Delivery> deliveries, long snapshotVersion, Map<String, String> snapshot,
            boolean stale, long finalVersion, Map<String, String> finalEntries) {
        List<String> found = new ArrayList<>();
        Long last = null;
        for (Delivery d : deliveries) {
            if (last != null && d.previous() != last) {
                found.add(watcher + " heard v" + d.previous() + " -> v" + d.current() + " after it had heard v" + last);
            }
            if (d.current() <= d.previous()) {
                found.add(watcher + " heard a change going back, v" + d.previous() + " -> v" + d.current());
            }
            for (long v = d.previous() + 1; v < d.current(); v++) {
                if (!d.missed().contains(v)) {
                    found.add(watcher + " skipped v" + v + " silently (v" + d.previous() + " -> v" + d.current()
                            + ", missed " + d.missed() + ")");
                }
            }
            last = d.current();
        }
        if (snapshotVersion != finalVersion || !snapshot.equals(finalEntries)) {
            found.add(watcher + " did not converge: it holds v" + snapshotVersion + " " + snapshot + ", the final is v"
                    + finalVersion + " " + finalEntries);
        }
        if (last == null || last != finalVersion) {
            found.add(watcher + "'s listener last heard " + (last == null ? "nothing" : "v" + last) + ", the final is v"
                    + finalVersion);
        }
        if (stale) {
            found.add(watcher + " still calls its snapshot stale");
        }
        add("config watchers converged", found);
    }

    /** A discovery view: it and the registry's znodes hold exactly the live registrations. */
    void checkView(String view, Set<String> viewed, Set<String> znodes, Set<String> live) {
        List<String> found = new ArrayList<>();
        describeDifference(view + " view", viewed, live, found);
        describeDifference("registered znodes", znodes, live, found);
        add("discovery view converged", found);
    }

    private static void describeDifference(String what, Set<String> actual, Set<String> live, List<String> found) {
        Set<String> phantoms = new TreeSet<>(actual);
        phantoms.removeAll(live);
        Set<String> missing = new TreeSet<>(live);
        missing.removeAll(actual);
        if (!phantoms.isEmpty()) {
            found.add(what + " holds instances no live registration has: " + phantoms);
        }
        if (!missing.isEmpty()) {
            found.add(what + " lacks live registrations " + missing);
        }
    }

    /**
     * No leaked znodes once every client is gone: no ephemeral node (a dead session's, or a lock queue
     * entry), and no persistent node outside the roots the workloads own.
     */
    void checkZnodes(List<Znode> nodes, Set<String> expectedRoots) {
        List<String> found = new ArrayList<>();
        for (Znode node : nodes) {
            if (node.ephemeral()) {
                found.add("ephemeral " + node.path() + " outlived every session");
            } else if (expectedRoots.stream().noneMatch(root -> node.path().equals(root) || node.path().startsWith(root + "/"))) {
                found.add("persistent " + node.path() + " is under no workload's root " + expectedRoots);
            }
        }
        add("no leaked znodes", found);
    }

    List<Violation> violations() {
        return violations;
    }

    /** The number of violations of each check, zero included for {@code checks}. */
    Map<String, Long> countsBy(Collection<String> checks) {
        Map<String, Long> counts = new LinkedHashMap<>();
        checks.forEach(c -> counts.put(c, 0L));
        violations.forEach(v -> counts.merge(v.check(), 1L, Long::sum));
        return counts;
    }
}
