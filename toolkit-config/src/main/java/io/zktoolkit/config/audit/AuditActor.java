package io.zktoolkit.config.audit;

import io.zktoolkit.config.ToolkitKeys;
import io.zktoolkit.config.ToolkitSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who made a change: the process (OS user, host, pid), the ZooKeeper identity it wrote with (the
 * user half of {@code zk.auth.digest}, never the password), and optionally who the caller says
 * acted (an operator's name, a ticket).
 *
 * @param user the OS user ({@code user.name})
 * @param host this host's name
 * @param pid this process's id
 * @param digestUser the digest user the client authenticated as, or empty
 * @param actor who the caller says acted, or empty
 */
public record AuditActor(String user, String host, long pid, String digestUser, String actor) {
    /** Empty strings stand for "not known". */
    public AuditActor {
        user = user == null ? "" : user;
        host = host == null ? "" : host;
        digestUser = digestUser == null ? "" : digestUser;
        actor = actor == null ? "" : actor;
    }

    /** This process, writing with {@code settings} (null when only a plain Curator client is known). */
    public static AuditActor current(ToolkitSettings settings, String actor) {
        String digestUser = settings == null ? "" : settings.find(ToolkitKeys.AUTH_DIGEST)
                .map(d -> d.reveal().substring(0, Math.max(0, d.reveal().indexOf(':'))))
                .orElse("");
        return new AuditActor(System.getProperty("user.name", ""), hostName(), ProcessHandle.current().pid(),
                digestUser, actor);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    @Override
    public String toString() {
        return user + "@" + host + " pid " + pid + (digestUser.isEmpty() ? "" : " as digest:" + digestUser)
                + (actor.isEmpty() ? "" : " for " + actor);
    }
}
