package io.zktoolkit.discovery.hive;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * A JDBC driver for {@code jdbc:hive2://} URLs that takes connections to the ports a test marks
 * live and refuses the rest, as a real driver refuses a dead server; it records every URL tried.
 * The real driver and server are exercised in src-it/hive-it; this one lets the resolver's
 * selection and failover run here against a real ZooKeeper.
 */
final class ScriptedHiveDriver implements Driver, AutoCloseable {
    private final Set<Integer> livePorts = ConcurrentHashMap.newKeySet();
    private final List<String> attempts = new CopyOnWriteArrayList<>();

    static ScriptedHiveDriver register() throws SQLException {
        ScriptedHiveDriver driver = new ScriptedHiveDriver();
        DriverManager.registerDriver(driver);
        return driver;
    }

    void live(int port) {
        livePorts.add(port);
    }

    void dead(int port) {
        livePorts.remove(port);
    }

    /** Every URL a connection was attempted with, in order. */
    List<String> attempts() {
        return attempts;
    }

    long attemptsOn(int port) {
        return attempts.stream().filter(url -> url.startsWith("jdbc:hive2://127.0.0.1:" + port + "/")).count();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        attempts.add(url);
        String authority = url.substring("jdbc:hive2://".length(), url.indexOf('/', "jdbc:hive2://".length()));
        int port = Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
        if (!livePorts.contains(port)) {
            throw new SQLException("Could not open client transport with JDBC Uri: " + url + ": java.net.ConnectException: "
                    + "Connection refused", "08S01");
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "toString" -> url;
                    case "close" -> null;
                    case "isClosed" -> false;
                    default -> throw new SQLFeatureNotSupportedException(method.getName());
                });
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:hive2://");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public void close() throws SQLException {
        DriverManager.deregisterDriver(this);
    }
}
