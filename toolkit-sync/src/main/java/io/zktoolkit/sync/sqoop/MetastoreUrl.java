package io.zktoolkit.sync.sqoop;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@code --meta-connect} URL naming a ZooKeeper ensemble and the znode under which saved jobs
 * live: {@code zk://host:port[,host:port...]/path}, for example {@code zk://zk1:2181,zk2:2181/sqoop}.
 *
 * @param connectString the ensemble's {@code host:port} list, as ZooKeeper takes it
 * @param root the absolute znode path of the job storage, without trailing slash
 */
public record MetastoreUrl(String connectString, String root) {
    /** The scheme this storage claims. */
    public static final String SCHEME = "zk://";

    private static final String EXAMPLE = "zk://zk1:2181,zk2:2181/sqoop";
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):[0-9]{1,5}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    /** Whether {@code url} is meant for this storage (even if malformed, so the error comes from here). */
    public static boolean claims(String url) {
        return url != null && url.toLowerCase(Locale.ROOT).startsWith(SCHEME);
    }

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException naming the URL, the part at fault and a valid example
     */
    public static MetastoreUrl parse(String url) {
        if (!claims(url)) {
            throw invalid(url, "it must start with " + SCHEME);
        }
        String rest = url.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw invalid(url, "it names no znode path after the hosts");
        }
        String hosts = rest.substring(0, slash);
        String path = rest.substring(slash);
        if (hosts.isEmpty()) {
            throw invalid(url, "it names no ZooKeeper host");
        }
        for (String hostPort : hosts.split(",", -1)) {
            if (!HOST_PORT.matcher(hostPort).matches() || Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)) > 65535) {
                throw invalid(url, "'" + hostPort + "' is not host:port");
            }
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            throw invalid(url, "it names no znode path after the hosts");
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw invalid(url, "path segment '" + segment + "' must be letters, digits, '.', '_' or '-'");
            }
        }
        return new MetastoreUrl(hosts, path);
    }

    private static IllegalArgumentException invalid(String url, String why) {
        return new IllegalArgumentException("Invalid Sqoop metastore URL '" + url + "': " + why
                + ". Expected zk://host:port[,host:port...]/path, for example " + EXAMPLE);
    }

    @Override
    public String toString() {
        return SCHEME + connectString + root;
    }
}
