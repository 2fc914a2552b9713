package io.zktoolkit.sync.sqoop;

import com.cloudera.sqoop.SqoopOptions;
import com.cloudera.sqoop.metastore.JobData;
import com.cloudera.sqoop.metastore.JobStorage;
import io.zktoolkit.config.ToolkitClient;
import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import io.zktoolkit.config.hadoop.HadoopSettings;
import io.zktoolkit.config.settings.Durations;
import io.zktoolkit.config.settings.Secret;
import io.zktoolkit.locks.FencedMutex;
import io.zktoolkit.locks.FencedWriteOutcomeUnknownException;
import io.zktoolkit.locks.Holder;
import io.zktoolkit.locks.LockInspector;
import io.zktoolkit.locks.LockLease;
import io.zktoolkit.locks.LockLostException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.hadoop.conf.Configuration;
import org.apache.sqoop.tool.SqoopTool;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sqoop 1 saved jobs kept in ZooKeeper, so that every edge node sees the same jobs and their
 * incremental last values: {@code sqoop job --meta-connect zk://zk1:2181,zk2:2181/sqoop --create ...}.
 * Register it with {@link #register(Configuration)} (it must come before Sqoop's HSQLDB storage,
 * which accepts every URL).
 *
 * <p><b>Layout.</b> Each job is one znode {@code <path>/jobs/<name>} holding readable properties
 * text: the tool name and every SqoopOptions property ({@link SavedJobText}). {@code --create}
 * fails if the job exists; {@code --delete} fails if it is missing or being executed.
 *
 * <p><b>Concurrent {@code --exec}.</b> Sqoop's {@code JobTool} opens a storage, {@code read}s the
 * job, runs the tool, and closes the storage; an incremental import saves its new last value
 * through a second storage instance it opens itself, on the same thread, with {@code update}.
 * When {@code read} is called from {@code JobTool.execJob} (the call stack says so; the
 * JobStorage API does not) this storage first takes the job's {@link FencedMutex}
 * {@code <path>/exec-locks/<name>}, waiting up to {@value #EXEC_WAIT_KEY} (default 30m), and
 * holds it until {@link #close()}. The {@code update} of that exec is one transaction that
 * checks the lock node still exists and that the job znode is still at the version read under
 * the lock: a second exec of the same job waits and then reads the value the first one saved,
 * and an exec whose session expired meanwhile has its update refused (Sqoop then returns 1;
 * the rows its import already wrote stay where they are). {@code --show} and {@code --list} take
 * no lock. An {@code update} outside an exec takes the lock for the write and compares against
 * the version this storage read.
 *
 * <p><b>Passwords.</b> Sqoop saves a database password only when
 * {@code sqoop.metastore.client.record.password} is true, and then in clear; this storage refuses
 * such a job (and a password inside the connect URL) with an error, so no password is ever
 * written to ZooKeeper: use {@code --password-file} or {@code --password-alias}. The Hadoop
 * Configuration entries are not saved either (Sqoop's HSQLDB storage saves every non-default one,
 * cluster secrets included): an exec runs with the executing node's Configuration, and {@code -D}
 * options belong on the {@code --exec} command line or in the site files.
 *
 * <p><b>Connection.</b> Each open storage connects its own {@link ToolkitClient} to the URL's
 * hosts; the other {@code zk.*} settings (session timeout, ACL, TLS, namespace) come from the
 * Hadoop Configuration. {@code --meta-username} and {@code --meta-password}, when both are given,
 * become ZooKeeper digest authentication {@code user:password}. An unreachable ensemble fails
 * {@code open} within {@code zk.connection.timeout}, naming the connect string.
 */
public class ZooKeeperJobStorage extends JobStorage {
    /** Sqoop's key listing the JobStorage classes it tries in order. */
    public static final String IMPLEMENTATIONS_KEY = "sqoop.job.storage.implementations";
    /** Sqoop's own storages, its default for {@value #IMPLEMENTATIONS_KEY}. */
    public static final String SQOOP_DEFAULT_STORAGES =
            "com.cloudera.sqoop.metastore.hsqldb.HsqldbJobStorage,com.cloudera.sqoop.metastore.hsqldb.AutoHsqldbStorage";
    /** How long an exec waits for another exec of the same job, for example {@code 10m}; {@code 0s} fails at once. */
    public static final String EXEC_WAIT_KEY = "zktoolkit.sqoop.job.exec.wait";

    // Sqoop's descriptor keys (GenericJobStorage in later versions, HsqldbJobStorage in 1.4.7).
    private static final String META_CONNECT_KEY = "metastore.connect.string";
    private static final String META_USERNAME_KEY = "metastore.username";
    private static final String META_PASSWORD_KEY = "metastore.password";
    private static final Duration DEFAULT_EXEC_WAIT = Duration.ofMinutes(30);
    private static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperJobStorage.class);

    /** Exec locks held in this JVM, so that the import's own storage instance writes under them. */
    private static final Map<String, ExecClaim> CLAIMS = new ConcurrentHashMap<>();

    private Map<String, String> descriptor;
    private MetastoreUrl url;
    private ToolkitClient client;
    private final Map<String, Integer> versionsRead = new HashMap<>();
    private final List<ExecClaim> heldClaims = new ArrayList<>();

    /** An exec lock and the version of the job znode read under it. */
    private static final class ExecClaim {
        final String key;
        final LockLease lease;
        final CuratorFramework curator;
        final Thread owner = Thread.currentThread();
        volatile int version;

        ExecClaim(String key, LockLease lease, CuratorFramework curator, int version) {
            this.key = key;
            this.lease = lease;
            this.curator = curator;
            this.version = version;
        }
    }

    /**
     * Puts this storage first in {@value #IMPLEMENTATIONS_KEY}, keeping the storages already
     * listed there (Sqoop's HSQLDB ones when the key is unset), so {@code jdbc:hsqldb:} URLs
     * still work.
     */
    public static void register(Configuration conf) {
        String current = conf.get(IMPLEMENTATIONS_KEY, SQOOP_DEFAULT_STORAGES);
        List<String> classes = new ArrayList<>();
        classes.add(ZooKeeperJobStorage.class.getName());
        for (String name : current.split(",")) {
            if (!name.isBlank() && !classes.contains(name.trim())) {
                classes.add(name.trim());
            }
        }
        conf.set(IMPLEMENTATIONS_KEY, String.join(",", classes));
    }

    @Override
    public boolean canAccept(Map<String, String> descriptor) {
        return MetastoreUrl.claims(descriptor.get(META_CONNECT_KEY));
    }

    @Override
    public void open(Map<String, String> descriptor) throws IOException {
        try {
            this.url = MetastoreUrl.parse(descriptor.get(META_CONNECT_KEY));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        this.descriptor = descriptor;
        ToolkitSettings settings;
        try {
            ToolkitSettings.Builder builder = HadoopSettings.from(conf()).toBuilder()
                    .set(ToolkitKeys.CONNECT, url.connectString())
                    .source("the Hadoop Configuration with --meta-connect " + url);
            String user = descriptor.get(META_USERNAME_KEY);
            String password = descriptor.get(META_PASSWORD_KEY);
            if (user != null && password != null) {
                builder.set(ToolkitKeys.AUTH_DIGEST, Secret.of(user + ":" + password));
            } else if (user != null) {
                LOG.warn("--meta-username {} without --meta-password is ignored by the ZooKeeper job storage", user);
            }
            settings = builder.build();
            this.client = ToolkitClient.open(settings);
        } catch (RuntimeException e) {
            throw new IOException("Could not open the Sqoop job storage at " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JobData read(String jobName) throws IOException {
        String path = jobPath(jobName);
        if (calledByJobExec()) {
            ExecClaim claim = claimExec(jobName);
            heldClaims.add(claim);
            CLAIMS.put(claim.key, claim);
            return decode(jobName, path, readData(jobName, path, claim.curator, claim));
        }
        return decode(jobName, path, readData(jobName, path, client.curator(), null));
    }

    private byte[] readData(String jobName, String path, CuratorFramework curator, ExecClaim claim) throws IOException {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = curator.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            throw new IOException("No Sqoop job '" + jobName + "' at " + url + " (znode " + path + "); saved jobs: " + list());
        } catch (Exception e) {
            throw failure("read", jobName, e);
        }
        if (claim != null) {
            claim.version = stat.getVersion();
        }
        versionsRead.put(jobName, stat.getVersion());
        return data;
    }

    private JobData decode(String jobName, String path, byte[] data) throws IOException {
        SavedJobText.Decoded decoded;
        try {
            decoded = SavedJobText.decode(path, data);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        SqoopTool tool = SqoopTool.getTool(decoded.tool());
        if (!(tool instanceof com.cloudera.sqoop.tool.SqoopTool sqoopTool)) {
            throw new IOException("Sqoop job '" + jobName + "' at " + path + " names tool '" + decoded.tool()
                    + "', which this Sqoop does not have");
        }
        SqoopOptions options = new SqoopOptions();
        options.setConf(new Configuration(conf()));
        options.loadProperties(decoded.options());
        options.setJobName(jobName);
        // The tool's own update (an incremental import's new last value) opens a storage from this.
        options.setStorageDescriptor(descriptor);
        return new JobData(options, sqoopTool);
    }

    @Override
    public void create(String jobName, JobData data) throws IOException {
        String path = jobPath(jobName);
        byte[] text = encode(jobName, data, "created");
        try {
            client.curator().create().creatingParentContainersIfNeeded().forPath(path, text);
            LOG.info("Saved Sqoop job {} at {}{}", jobName, url, "/jobs/" + jobName);
        } catch (KeeperException.NodeExistsException e) {
            throw new IOException("Sqoop job '" + jobName + "' already exists at " + url + " (znode " + path
                    + "); delete it first (sqoop job --delete " + jobName + ") or choose another name");
        } catch (Exception e) {
            throw failure("create", jobName, e);
        }
    }

    @Override
    public void update(String jobName, JobData data) throws IOException {
        String path = jobPath(jobName);
        ExecClaim claim = CLAIMS.get(claimKey(jobName));
        if (claim != null && claim.owner == Thread.currentThread()) {
            byte[] text = encode(jobName, data, "updated under exec lock token " + claim.lease.token());
            claim.version = fencedUpdate(jobName, path, claim.curator, claim.lease, claim.version, text);
            return;
        }
        Integer version = versionsRead.get(jobName);
        if (version == null) {
            throw new IOException("Sqoop job '" + jobName + "' at " + url + " cannot be updated without being read"
                    + " first through the same storage (the update compares against the version read)");
        }
        byte[] text;
        try (LockLease lease = acquireExecLock(jobName, execWait())) {
            text = encode(jobName, data, "updated under lock token " + lease.token());
            versionsRead.put(jobName, fencedUpdate(jobName, path, client.curator(), lease, version, text));
        }
    }

    /** Writes {@code text} if the lease still holds and the znode is at {@code version}; returns the new version. */
    private int fencedUpdate(String jobName, String path, CuratorFramework curator, LockLease lease, int version,
            byte[] text) throws IOException {
        try {
            lease.fencedWrite(List.of(curator.transactionOp().setData().withVersion(version).forPath(path, text)));
            LOG.info("Updated Sqoop job {} at {} under {} (token {})", jobName, url, lease.description(), lease.token());
            return version + 1;
        } catch (FencedWriteOutcomeUnknownException e) {
            throw new IOException("The update of Sqoop job '" + jobName + "' at " + url + " may or may not have"
                    + " been applied (the connection failed): check it with sqoop job --show " + jobName, e);
        } catch (LockLostException | IllegalArgumentException e) {
            Stat now = new Stat();
            byte[] stored;
            try {
                stored = curator.getData().storingStatIn(now).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                throw new IOException("Sqoop job '" + jobName + "' was deleted from " + url + " while it ran;"
                        + " its new state was not saved", e);
            } catch (Exception readBack) {
                throw new IOException("The update of Sqoop job '" + jobName + "' at " + url + " failed (" + e.getMessage()
                        + ") and the job could not be read back: check it with sqoop job --show " + jobName, e);
            }
            if (now.getVersion() == version + 1 && Arrays.equals(stored, text)) {
                // Curator resent a transaction whose reply was lost; the first send landed.
                return now.getVersion();
            }
            if (now.getVersion() != version) {
                throw new IOException("Sqoop job '" + jobName + "' at " + url + " changed after this run read it"
                        + " (version " + version + ", now " + now.getVersion() + "): another run updated it."
                        + " This run's state was not saved", e);
            }
            throw new IOException("Sqoop job '" + jobName + "' at " + url + " was not updated: " + e.getMessage()
                    + ". Another exec may have taken over the job; this run's state was not saved", e);
        } catch (Exception e) {
            throw failure("update", jobName, e);
        }
    }

    @Override
    public void delete(String jobName) throws IOException {
        String path = jobPath(jobName);
        try (LockLease lease = acquireExecLock(jobName, Duration.ZERO)) {
            lease.fencedWrite(List.of(client.curator().transactionOp().delete().forPath(path)));
            LOG.info("Deleted Sqoop job {} from {}", jobName, url);
        } catch (IllegalArgumentException e) {
            throw new IOException("No Sqoop job '" + jobName + "' at " + url + " (znode " + path + "); saved jobs: " + list());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw failure("delete", jobName, e);
        }
    }

    @Override
    public List<String> list() throws IOException {
        try {
            return client.curator().getChildren().forPath(url.root() + "/jobs").stream().sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IOException("Could not list the Sqoop jobs at " + url + ": " + e, e);
        }
    }

    /** Releases the exec lock this storage took, if any, then closes the connection. */
    @Override
    public void close() throws IOException {
        try {
            for (ExecClaim claim : heldClaims) {
                CLAIMS.remove(claim.key, claim);
                claim.lease.release();
            }
            heldClaims.clear();
        } finally {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    private ExecClaim claimExec(String jobName) throws IOException {
        LockLease lease = acquireExecLock(jobName, execWait());
        return new ExecClaim(claimKey(jobName), lease, client.curator(), -1);
    }

    private LockLease acquireExecLock(String jobName, Duration wait) throws IOException {
        String lockPath = url.root() + "/exec-locks/" + validName(jobName);
        Optional<LockLease> lease;
        try {
            lease = new FencedMutex(client.curator(), lockPath, Holder.current("sqoop job " + jobName)).acquire(wait);
        } catch (RuntimeException e) {
            throw failure("lock", jobName, e);
        }
        if (lease.isEmpty()) {
            throw new IOException("Sqoop job '" + jobName + "' at " + url + " is being executed by " + holderOf(lockPath)
                    + "; waited " + Durations.format(wait) + " (" + EXEC_WAIT_KEY + ")");
        }
        return lease.get();
    }

    private String holderOf(String lockPath) {
        try {
            return new LockInspector(client).lock(lockPath).map(l -> l.holder().toString()).orElse("another run");
        } catch (Exception e) {
            return "another run";
        }
    }

    private byte[] encode(String jobName, JobData data, String what) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        try {
            return SavedJobText.encode(jobName, data.getSqoopTool().getToolName(),
                    data.getSqoopOptions().writeProperties(),
                    what + " by " + host + " pid " + ProcessHandle.current().pid() + " at " + Instant.now());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private String jobPath(String jobName) throws IOException {
        if (client == null) {
            throw new IOException("The ZooKeeper job storage is not open");
        }
        return url.root() + "/jobs/" + validName(jobName);
    }

    private static String validName(String jobName) throws IOException {
        if (jobName == null || !JOB_NAME.matcher(jobName).matches()) {
            throw new IOException("Invalid Sqoop job name '" + jobName + "' for the ZooKeeper job storage:"
                    + " use letters, digits, '.', '_' or '-', not starting with '.' or '-'");
        }
        return jobName;
    }

    private String claimKey(String jobName) {
        return url.connectString() + "|" + client.settings().namespace() + "|" + url.root() + "/" + jobName;
    }

    private Duration execWait() throws IOException {
        String text = conf().getTrimmed(EXEC_WAIT_KEY);
        if (text == null) {
            return DEFAULT_EXEC_WAIT;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException("Invalid " + EXEC_WAIT_KEY + "='" + text + "': " + Durations.VALID, e);
        }
    }

    private Configuration conf() {
        return getConf() != null ? getConf() : new Configuration();
    }

    private IOException failure(String what, String jobName, Exception e) {
        return new IOException("Could not " + what + " Sqoop job '" + jobName + "' at " + url + ": " + e.getMessage(), e);
    }

    /** Whether Sqoop's {@code JobTool.execJob} is reading: the only read that runs the job. */
    private static boolean calledByJobExec() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
                f.getClassName().equals("org.apache.sqoop.tool.JobTool") && f.getMethodName().equals("execJob")));
    }
}
