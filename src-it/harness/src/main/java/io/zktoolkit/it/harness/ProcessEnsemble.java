package io.zktoolkit.it.harness;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper ensemble whose servers each run in their own JVM on 127.0.0.1, so that a test can
 * kill -9 a server, freeze it with SIGSTOP, or restart it on its old ports and data.
 *
 * <p>Servers are addressed by a 0-based index; server {@code i} has myid {@code i + 1}. Every process
 * and file the ensemble creates is removed by {@link #close()}.
 */
public final class ProcessEnsemble implements Closeable {

    /** Servers in an ensemble when the caller does not say. */
    public static final int DEFAULT_SERVERS = 3;
    /** The mode of a server that does not answer: killed, paused, or not yet listening. */
    public static final String UNREACHABLE = "unreachable";
    /** The mode of a server that answers but is not serving clients, such as during an election. */
    public static final String NOT_SERVING = "not-serving";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessEnsemble.class);
    private static final Set<String> LEADING_MODES = Set.of("leader", "standalone");
    private static final int MAX_START_ATTEMPTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Path baseDir;
    private final List<EnsembleMember> members;

    private ProcessEnsemble(int size) {
        try {
            baseDir = Files.createTempDirectory("zk-ensemble");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the ensemble's base directory", e);
        }
        members = IntStream.range(0, size).mapToObj(index -> new EnsembleMember(index, baseDir)).toList();
        members.forEach(member -> member.writeConfig(members));
    }

    /**
     * Starts an ensemble of {@value #DEFAULT_SERVERS} servers.
     *
     * @return the ensemble, once it has a leader and every server serves
     */
    public static ProcessEnsemble start() {
        return start(DEFAULT_SERVERS);
    }

    /**
     * Starts an ensemble and waits, up to 30 seconds, until every server serves and exactly one leads
     * (or, for a single server, runs standalone). Retries with new ports if one was taken meanwhile.
     *
     * @param servers number of servers, at least 1
     * @return the started ensemble
     * @throws AssertionError if the ensemble does not form in time; the message holds each server's
     *     recent output
     */
    public static ProcessEnsemble start(int servers) {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1, was " + servers);
        }
        Throwable lastRace = null;
        for (int attempt = 1; attempt <= MAX_START_ATTEMPTS; attempt++) {
            ProcessEnsemble ensemble = new ProcessEnsemble(servers);
            try {
                ensemble.members.forEach(EnsembleMember::launch);
                ensemble.awaitState("the ensemble to start", START_TIMEOUT, () -> ensemble.quorumOutstanding(true));
                LOG.info("Started a {}-server ensemble at {}, leader is server {}",
                        servers, ensemble.connectString(), ensemble.leaderIndex().orElse(-1));
                return ensemble;
            } catch (RuntimeException | AssertionError e) {
                boolean portRace = ensemble.members.stream().anyMatch(EnsembleMember::lostPortRace);
                ensemble.close();
                if (!portRace) {
                    throw e;
                }
                LOG.warn("Ensemble start attempt {} lost a port race, retrying with new ports", attempt);
                lastRace = e;
            }
        }
        throw new IllegalStateException(
                "Ensemble lost the port race " + MAX_START_ATTEMPTS + " times in a row", lastRace);
    }

    /**
     * Returns a connect string naming every server, running or not.
     *
     * @return "127.0.0.1:p1,127.0.0.1:p2,..."
     */
    public String connectString() {
        return members.stream().map(EnsembleMember::connectString).collect(Collectors.joining(","));
    }

    /**
     * Returns a connect string naming one server only.
     *
     * @param index server index, 0-based
     * @return "127.0.0.1:port"
     */
    public String connectString(int index) {
        return member(index).connectString();
    }

    /**
     * Returns the number of servers, running or not.
     *
     * @return the ensemble size
     */
    public int size() {
        return members.size();
    }

    /**
     * Returns the directory holding every server's configuration and data; gone after close.
     *
     * @return the base directory
     */
    public Path baseDir() {
        return baseDir;
    }

    /**
     * Returns the process id of a server's current (or last) process.
     *
     * @param index server index, 0-based
     * @return the pid
     */
    public long pid(int index) {
        return member(index).process().pid();
    }

    /**
     * Kills a server with SIGKILL and waits for the process to end. Its data stays for a restart.
     *
     * @param index server index, 0-based
     */
    public void kill9(int index) {
        member(index).process().kill9();
    }

    /**
     * Freezes a server with SIGSTOP: its sockets stay open but it answers nothing.
     *
     * @param index server index, 0-based
     */
    public void pause(int index) {
        member(index).process().pause();
    }

    /**
     * Lets a paused server continue with SIGCONT.
     *
     * @param index server index, 0-based
     */
    public void resume(int index) {
        member(index).process().resume();
    }

    /**
     * Starts a new process for a server on its old ports and data directory, killing the old process
     * first if it still runs, and waits up to 30 seconds until it serves again.
     *
     * @param index server index, 0-based
     * @throws AssertionError if the server does not serve in time
     */
    public void restart(int index) {
        EnsembleMember member = member(index);
        member.launch();
        awaitState("server " + index + " to serve after restart", START_TIMEOUT, () -> {
            requireRunning(index);
            String mode = member.mode();
            return EnsembleMember.SERVING_MODES.contains(mode) ? Optional.empty() : Optional.of("its mode is " + mode);
        });
        LOG.info("Restarted server {} as {}", index, mode(index));
    }

    /**
     * Starts every server that is not running, on its old ports and data, and waits for the quorum.
     * Unlike {@link #restart(int)} one at a time, this brings back an ensemble that lost its majority,
     * where no single restarted server can serve until the others return.
     */
    public void restartAll() {
        for (EnsembleMember member : members) {
            if (!member.isRunning()) {
                member.launch();
            }
        }
        awaitQuorum(START_TIMEOUT);
        LOG.info("Restarted every stopped server; server {} leads", leaderIndex());
    }

    /**
     * Tells whether a server's process is alive; a paused server is running.
     *
     * @param index server index, 0-based
     * @return true while the process exists
     */
    public boolean isRunning(int index) {
        return member(index).isRunning();
    }

    /**
     * Asks a server for its mode with the {@code srvr} four-letter word; never throws for a dead server.
     *
     * @param index server index, 0-based
     * @return leader, follower, observer, standalone, {@link #NOT_SERVING} or {@link #UNREACHABLE}
     */
    public String mode(int index) {
        return member(index).mode();
    }

    /**
     * Returns the server that reports itself leader (or standalone), asking only servers that run and
     * are not paused.
     *
     * @return the leader's index, or empty when no such server answers
     */
    public OptionalInt leaderIndex() {
        return IntStream.range(0, size())
                .filter(index -> isLive(member(index)) && LEADING_MODES.contains(mode(index)))
                .findFirst();
    }

    /**
     * Waits until the servers that run and are not paused are a majority, all serve, and exactly one
     * of them leads.
     *
     * @param timeout how long to wait
     * @throws AssertionError on timeout; the message holds each server's recent output
     */
    public void awaitQuorum(Duration timeout) {
        awaitState("a quorum", timeout, () -> quorumOutstanding(false));
    }

    /**
     * Describes what keeps the ensemble from being a healthy quorum, or nothing when it is one.
     *
     * @param everyServer whether every server must take part, as during start; a server that died is
     *     then an immediate failure rather than something to wait out
     */
    private Optional<String> quorumOutstanding(boolean everyServer) {
        Map<Integer, String> modes = new LinkedHashMap<>();
        for (int index = 0; index < size(); index++) {
            if (everyServer) {
                requireRunning(index);
            }
            if (isLive(member(index))) {
                modes.put(index, mode(index));
            }
        }
        long leaders = modes.values().stream().filter(LEADING_MODES::contains).count();
        boolean allServe = modes.values().stream().allMatch(EnsembleMember.SERVING_MODES::contains);
        boolean majority = modes.size() > size() / 2;
        return allServe && leaders == 1 && majority ? Optional.empty() : Optional.of("modes of live servers " + modes);
    }

    private static boolean isLive(EnsembleMember member) {
        return member.isRunning() && !member.isPaused();
    }

    private void requireRunning(int index) {
        if (!member(index).isRunning()) {
            throw new AssertionError("Server " + index + " exited unexpectedly\n" + diagnostics());
        }
    }

    /** Polls until nothing is outstanding; the supplier may throw to fail at once. */
    private void awaitState(String what, Duration timeout, Supplier<Optional<String>> outstanding) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> pending = outstanding.get();
        while (pending.isPresent()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + ": "
                        + pending.get() + "\n" + diagnostics());
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
            pending = outstanding.get();
        }
    }

    private String diagnostics() {
        return members.stream().map(EnsembleMember::describe).collect(Collectors.joining("\n"));
    }

    private EnsembleMember member(int index) {
        Objects.checkIndex(index, members.size());
        return members.get(index);
    }

    /** Kills every server process and deletes the base directory. Safe to call more than once. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (EnsembleMember member : members) {
            try {
                member.close();
            } catch (RuntimeException e) {
                failure = accumulate(failure, e);
            }
        }
        try {
            deleteTree(baseDir);
        } catch (IOException e) {
            failure = accumulate(failure, new UncheckedIOException("Cannot delete " + baseDir, e));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException accumulate(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            // Deepest first, so that each directory is empty by the time it is deleted.
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(path);
                } catch (NoSuchFileException e) {
                    // Already gone: a server removed a temporary file while we walked.
                }
            }
        }
    }
}
