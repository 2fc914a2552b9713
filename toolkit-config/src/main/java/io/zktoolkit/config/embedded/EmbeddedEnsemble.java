package io.zktoolkit.config.embedded;

import io.zktoolkit.config.ServerStatus;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper servers inside this JVM, built on ZooKeeper's own {@link ZooKeeperServerEmbedded}:
 * one standalone server, or a quorum of 3 or 5 so that a demo can stop one server while work goes
 * on. Servers listen on 127.0.0.1 only.
 *
 * <p>Data lives in a configured folder, kept across restarts (one subfolder per server), or in a
 * temporary folder deleted on {@link #close()}. ZooKeeper's embedding API writes its generated
 * configuration to a base folder at every boot; that folder is always temporary, so a kept data
 * folder does not fill up with configuration files. A JVM shutdown hook closes the ensemble if
 * the owner did not, so an aborted job leaves no temporary folder behind.
 *
 * <p>The embedded server is never allowed to call {@code System.exit}: its exit handler only
 * logs, because the JVM belongs to the user's job.
 */
public final class EmbeddedEnsemble implements Closeable {
    /** Lifecycle of the ensemble. */
    public enum State {
        /** Built, not started. */
        LATENT,
        /** Started; individual servers may have been stopped. */
        STARTED,
        /** Closed; cannot be restarted. */
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedEnsemble.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final List<ServerSlot> servers;
    private final Path dataRoot;
    /** Held while a kept (not temporary) data folder is in use. */
    private DataFolderLock dataLock;
    private final boolean temporaryData;
    private final Path configRoot;
    private final Duration tickTime;
    private final Duration startupTimeout;
    private final Thread shutdownHook;
    private volatile State state = State.LATENT;

    private EmbeddedEnsemble(Builder b) throws IOException {
        this.temporaryData = b.dataDir == null;
        this.dataRoot = temporaryData ? Files.createTempDirectory("zktoolkit-embedded-data") : b.dataDir.toAbsolutePath();
        this.configRoot = Files.createTempDirectory("zktoolkit-embedded-conf");
        this.tickTime = b.tickTime;
        this.startupTimeout = b.startupTimeout;
        this.servers = new ArrayList<>();
        boolean quorum = b.servers > 1;
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < b.servers; i++) {
            int clientPort = b.clientPort > 0 ? b.clientPort + i : quorum ? freePort(taken) : 0;
            taken.add(clientPort);
            servers.add(new ServerSlot(i + 1, clientPort, quorum ? freePort(taken) : 0, quorum ? freePort(taken) : 0,
                    dataRoot.resolve("server-" + (i + 1))));
        }
        this.shutdownHook = new Thread(this::close, "zktoolkit-embedded-shutdown");
    }

    /** A builder for a standalone server with a temporary data folder on a free port. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every server and waits until each one listens.
     *
     * @throws EmbeddedStartException naming the server, its ports and data folder when one fails
     */
    public synchronized void start() {
        if (state != State.LATENT) {
            throw new IllegalStateException("EmbeddedEnsemble is " + state + "; start() may be called once");
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        state = State.STARTED;
        try {
            if (!temporaryData) {
                dataLock = DataFolderLock.acquire(dataRoot);
            }
            for (ServerSlot slot : servers) {
                startSlot(slot);
            }
            if (servers.size() > 1) {
                awaitServing(servers);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Embedded ZooKeeper {} started at {} (data in {})",
                servers.size() == 1 ? "server" : servers.size() + "-server quorum", connectString(), dataRoot);
    }

    /** The connect string of every server, for example {@code 127.0.0.1:40001,127.0.0.1:40002}. */
    public String connectString() {
        return servers.stream().map(s -> LOOPBACK + ":" + s.clientPort).collect(Collectors.joining(","));
    }

    /** Number of servers. */
    public int size() {
        return servers.size();
    }

    /** Client port of server {@code index} (0-based). */
    public int clientPort(int index) {
        return slot(index).clientPort;
    }

    /** Data folder of server {@code index}. */
    public Path dataDir(int index) {
        return slot(index).dataDir;
    }

    /** Whether server {@code index} is running. */
    public synchronized boolean isRunning(int index) {
        return slot(index).server != null;
    }

    /** Current lifecycle state. */
    public State state() {
        return state;
    }

    /**
     * Stops one server, as a crash would from its clients' point of view; the rest of a quorum
     * keeps serving while a majority is up.
     */
    public synchronized void stopServer(int index) {
        requireStarted();
        ServerSlot slot = slot(index);
        if (slot.server != null) {
            slot.server.close();
            slot.server = null;
            LOG.info("Embedded ZooKeeper server {} stopped", slot.id);
        }
    }

    /** Starts a stopped server again on its old ports and data. */
    public synchronized void restartServer(int index) {
        requireStarted();
        ServerSlot slot = slot(index);
        if (slot.server == null) {
            startSlot(slot);
            if (servers.size() > 1) {
                awaitServing(List.of(slot));
            }
            LOG.info("Embedded ZooKeeper server {} restarted on port {}", slot.id, slot.clientPort);
        }
    }

    /** Stops every server and deletes temporary folders. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        State previous = state;
        state = State.CLOSED;
        for (ServerSlot slot : servers) {
            if (slot.server != null) {
                try {
                    slot.server.close();
                } catch (RuntimeException e) {
                    LOG.warn("Embedded ZooKeeper server {} did not close cleanly", slot.id, e);
                }
                slot.server = null;
            }
        }
        deleteTree(configRoot);
        if (temporaryData) {
            deleteTree(dataRoot);
        }
        if (dataLock != null) {
            dataLock.close();
            dataLock = null;
        }
        if (previous != State.LATENT && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; the hook is running or about to
            }
        }
    }

    private void startSlot(ServerSlot slot) {
        // ZooKeeper's server thread dies quietly on a port clash and start() only times out, so check first.
        if (slot.clientPort > 0 && !isFree(slot.clientPort)) {
            throw new EmbeddedStartException("Embedded ZooKeeper server " + slot.id + " could not start on "
                    + LOOPBACK + ":" + slot.clientPort + ": the port is in use (set zk.embedded.port=0 to pick free ports)",
                    null);
        }
        ZooKeeperServerEmbedded server = null;
        try {
            Files.createDirectories(slot.dataDir);
            if (servers.size() > 1) {
                Files.writeString(slot.dataDir.resolve("myid"), Integer.toString(slot.id));
            }
            server = ZooKeeperServerEmbedded.builder()
                    .baseDir(configRoot)
                    .configuration(configurationOf(slot))
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            server.start(startupTimeout.toMillis());
            // With port 0 the server picked one; keep it so a restart comes back on the same address.
            slot.clientPort = server.getClientPort();
            slot.server = server;
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            throw new EmbeddedStartException("Embedded ZooKeeper server " + slot.id + " could not start on "
                    + LOOPBACK + ":" + slot.clientPort + " with data in " + slot.dataDir + ": "
                    + (e instanceof TimeoutException ? "it did not start within " + startupTimeout.toMillis() + " ms"
                            : isBindFailure(e) ? "the port is in use (set zk.embedded.port=0 to pick free ports)"
                            : String.valueOf(e)), e);
        }
    }

    /**
     * A standalone server serves as soon as it has started. A quorum server has started once it
     * listens, but serves only after an election; a client
     * connecting earlier is dropped and ZooKeeper's client then sleeps up to a second before it
     * retries. Waiting here makes "started" mean "ready for clients".
     */
    private void awaitServing(List<ServerSlot> slots) {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (ServerSlot slot : slots) {
            ServerStatus status = ServerStatus.probe(LOOPBACK + ":" + slot.clientPort, 500);
            while (!status.serving()) {
                if (System.nanoTime() > deadline) {
                    throw new EmbeddedStartException("Embedded ZooKeeper server " + slot.id + " on " + LOOPBACK + ":"
                            + slot.clientPort + " did not start serving within " + startupTimeout.toMillis()
                            + " ms (mode: " + status.mode() + ")", null);
                }
                sleep(10);
                status = ServerStatus.probe(LOOPBACK + ":" + slot.clientPort, 500);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStartException("Interrupted while waiting for the embedded ZooKeeper to serve", e);
        }
    }

    private Properties configurationOf(ServerSlot slot) {
        Properties p = new Properties();
        long tick = tickTime.toMillis();
        p.setProperty("tickTime", Long.toString(tick));
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", slot.dataDir.toString());
        p.setProperty("clientPort", Integer.toString(slot.clientPort));
        p.setProperty("clientPortAddress", LOOPBACK);
        // The client asks for its session timeout; let the server grant anything from 2 ticks to 10 minutes.
        p.setProperty("minSessionTimeout", Long.toString(2 * tick));
        p.setProperty("maxSessionTimeout", Long.toString(Math.max(600_000L, 20 * tick)));
        // Port 8080 is often taken, and nothing here needs the admin server.
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "srvr,ruok,mntr,conf");
        if (servers.size() > 1) {
            for (ServerSlot s : servers) {
                p.setProperty("server." + s.id, LOOPBACK + ":" + s.quorumPort + ":" + s.electionPort);
            }
        }
        return p;
    }

    private ServerSlot slot(int index) {
        Objects.checkIndex(index, servers.size());
        return servers.get(index);
    }

    private void requireStarted() {
        if (state != State.STARTED) {
            throw new IllegalStateException("EmbeddedEnsemble is " + state + "; expected STARTED");
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free right now and not yet handed to another server of this ensemble. */
    private static int freePort(Set<Integer> taken) {
        while (true) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
                if (taken.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("No free port on " + LOOPBACK, e);
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}", root, e);
        }
    }

    /** One server's fixed identity and its running instance, if any. */
    private static final class ServerSlot {
        final int id;
        final Path dataDir;
        final int quorumPort;
        final int electionPort;
        int clientPort;
        ZooKeeperServerEmbedded server;

        ServerSlot(int id, int clientPort, int quorumPort, int electionPort, Path dataDir) {
            this.id = id;
            this.clientPort = clientPort;
            this.quorumPort = quorumPort;
            this.electionPort = electionPort;
            this.dataDir = dataDir;
        }
    }

    /** Options for an embedded ensemble. */
    public static final class Builder {
        private int servers = 1;
        private int clientPort;
        private Path dataDir;
        private Duration tickTime = Duration.ofMillis(500);
        private Duration startupTimeout = Duration.ofSeconds(15);

        private Builder() {
        }

        /** 1 for a standalone server, 3 or 5 for a quorum. */
        public Builder servers(int servers) {
            if (servers != 1 && servers != 3 && servers != 5) {
                throw new IllegalArgumentException("servers must be 1, 3 or 5, got " + servers);
            }
            this.servers = servers;
            return this;
        }

        /** Client port of the first server, the others taking the following ports; 0 picks free ports. */
        public Builder clientPort(int clientPort) {
            if (clientPort < 0 || clientPort > 65535) {
                throw new IllegalArgumentException("clientPort must be 0 to 65535, got " + clientPort);
            }
            this.clientPort = clientPort;
            return this;
        }

        /** Folder kept across restarts; {@code null} for a temporary folder deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Server tick; sessions time out at a granularity of one tick. */
        public Builder tickTime(Duration tickTime) {
            this.tickTime = Objects.requireNonNull(tickTime, "tickTime");
            return this;
        }

        /** How long one server may take to start listening. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout, "startupTimeout");
            return this;
        }

        /** Builds the ensemble without starting it. */
        public EmbeddedEnsemble build() {
            try {
                return new EmbeddedEnsemble(this);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create folders for the embedded ZooKeeper", e);
            }
        }
    }
}
