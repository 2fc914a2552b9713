package io.zktoolkit.it.harness;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.client.FourLetterWordMain;
import org.apache.zookeeper.common.X509Exception;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;

/**
 * One ZooKeeper server of a {@link ProcessEnsemble}: its ports, directories and configuration, which
 * outlive any one server process, and the current process.
 */
final class EnsembleMember implements Closeable {

    static final String HOST = "127.0.0.1";
    static final Set<String> SERVING_MODES = Set.of("leader", "follower", "observer", "standalone");

    private static final int SRVR_TIMEOUT_MILLIS = 1_000;

    private final int index;
    private final int clientPort = FreePorts.next();
    private final int quorumPort = FreePorts.next();
    private final int electionPort = FreePorts.next();
    private final Path dir;
    private ChildJvm process;

    EnsembleMember(int index, Path baseDir) {
        this.index = index;
        this.dir = baseDir.resolve("server-" + index);
    }

    int myid() {
        return index + 1;
    }

    String connectString() {
        return HOST + ":" + clientPort;
    }

    private String serverLine() {
        return "server." + myid() + "=" + HOST + ":" + quorumPort + ":" + electionPort;
    }

    /** Writes zoo.cfg and myid; every member must exist first, since each config names them all. */
    void writeConfig(List<EnsembleMember> members) {
        Path dataDir = dir.resolve("data");
        StringBuilder cfg = new StringBuilder()
                // A short tick makes short sessions legal and elections quick.
                .append("tickTime=500\n")
                .append("initLimit=10\n")
                .append("syncLimit=5\n")
                .append("minSessionTimeout=1000\n")
                .append("maxSessionTimeout=60000\n")
                .append("dataDir=").append(dataDir.toAbsolutePath()).append('\n')
                .append("clientPort=").append(clientPort).append('\n')
                .append("clientPortAddress=").append(HOST).append('\n')
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=*\n")
                // kill -9 keeps the page cache, so fsync buys these tests nothing but slow writes.
                .append("forceSync=no\n");
        if (members.size() > 1) {
            cfg.append("standaloneEnabled=false\n");
        }
        members.forEach(member -> cfg.append(member.serverLine()).append('\n'));
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve("myid"), myid() + "\n");
            Files.writeString(configFile(), cfg);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the configuration of server " + index, e);
        }
    }

    private Path configFile() {
        return dir.resolve("zoo.cfg");
    }

    /** Starts a server process on this member's ports and data, replacing any earlier process. */
    void launch() {
        close();
        process = ChildJvm.builder(QuorumPeerMain.class.getName())
                .name("zk-" + index)
                .args(configFile().toAbsolutePath().toString())
                .jvmOption("-Xmx256m")
                .jvmOption("-XX:+UseSerialGC")
                // C1 only: test servers live for seconds, and startup CPU is scarce on small CI machines.
                .jvmOption("-XX:TieredStopAtLevel=1")
                .systemProperty("zookeeper.admin.enableServer", "false")
                .workingDir(dir)
                .start();
    }

    ChildJvm process() {
        if (process == null) {
            throw new IllegalStateException("Server " + index + " was never started");
        }
        return process;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    boolean isPaused() {
        return process != null && process.isPaused();
    }

    /**
     * Asks the server for its mode with the srvr four-letter word.
     *
     * @return leader, follower, observer or standalone; {@link ProcessEnsemble#NOT_SERVING} when it
     *     answers without a mode (electing, or syncing with the leader); {@link ProcessEnsemble#UNREACHABLE}
     *     when it does not answer
     */
    String mode() {
        String reply;
        try {
            reply = FourLetterWordMain.send4LetterWord(HOST, clientPort, "srvr", false, SRVR_TIMEOUT_MILLIS);
        } catch (IOException | X509Exception.SSLContextException e) {
            return ProcessEnsemble.UNREACHABLE;
        }
        return reply.lines()
                .filter(line -> line.startsWith("Mode:"))
                .map(line -> line.substring("Mode:".length()).trim())
                .findFirst()
                .orElse(ProcessEnsemble.NOT_SERVING);
    }

    /** Tells whether the process failed because a port picked for it was taken meanwhile. */
    boolean lostPortRace() {
        return process != null && process.lines().stream()
                .anyMatch(line -> line.contains("BindException") || line.contains("Address already in use"));
    }

    String describe() {
        String header = "server " + index + " (myid " + myid() + ", client " + connectString()
                + ", quorum " + quorumPort + ", election " + electionPort + ")";
        return process == null ? header + ": never started" : header + "\n" + process.recentOutput();
    }

    /** Kills the process if it runs; the directories stay, for a restart. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
