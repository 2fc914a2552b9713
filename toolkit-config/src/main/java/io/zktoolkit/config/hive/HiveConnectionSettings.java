package io.zktoolkit.config.hive;

import io.zktoolkit.config.live.ConfigValueException;
import io.zktoolkit.config.live.ConfigView;
import io.zktoolkit.config.live.SecretCodec;
import io.zktoolkit.config.settings.SettingType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * HiveServer2 JDBC connection settings from a configuration set, applied to every connection
 * the toolkit opens, so a fleet of jobs changes its Hive settings with one publish.
 *
 * <table>
 * <caption>Keys read</caption>
 * <tr><td>{@code hive.jdbc.url}</td><td>base URL, for example {@code jdbc:hive2://hs2:10000/sales} or a
 *   ZooKeeper discovery URL; required</td></tr>
 * <tr><td>{@code hive.jdbc.session.NAME}</td><td>session parameter {@code ;NAME=value} (ssl, transportMode, ...)</td></tr>
 * <tr><td>{@code hive.jdbc.fetch.size}</td><td>rows per fetch: the {@code fetchSize} session parameter and
 *   {@link Statement#setFetchSize} on statements made by {@link #createStatement}</td></tr>
 * <tr><td>{@code hive.conf.NAME}</td><td>Hive configuration {@code ?NAME=value} for the session</td></tr>
 * <tr><td>{@code hive.var.NAME}</td><td>Hive variable {@code #NAME=value} for the session</td></tr>
 * <tr><td>{@code hive.jdbc.user}, {@code hive.jdbc.password}</td><td>credentials, passed as connection
 *   properties, never in the URL; the password must be a secret of the set</td></tr>
 * </table>
 *
 * <p>No Hive class is needed: the stock driver is found through {@link DriverManager} at run time,
 * so this class never drags Hive jars onto a job's classpath.
 */
public final class HiveConnectionSettings {
    private static final String URL = "hive.jdbc.url";
    private static final String SESSION = "hive.jdbc.session.";
    private static final String FETCH_SIZE = "hive.jdbc.fetch.size";
    private static final String CONF = "hive.conf.";
    private static final String VAR = "hive.var.";
    private static final String USER = "hive.jdbc.user";
    private static final String PASSWORD = "hive.jdbc.password";

    private final String url;
    private final int fetchSize;
    private final String user;
    private final ConfigView source;

    private HiveConnectionSettings(String url, int fetchSize, String user, ConfigView source) {
        this.url = url;
        this.fetchSize = fetchSize;
        this.user = user;
        this.source = source;
    }

    /**
     * Reads the settings.
     *
     * @throws ConfigValueException naming the key at fault: a missing URL, a value that would break
     *         the URL's structure, a bad fetch size, or a plain-text password
     */
    public static HiveConnectionSettings from(ConfigView config) {
        String base = config.require(URL, SettingType.matching("jdbc:hive2://.*"));
        HiveJdbcUrl url = HiveJdbcUrl.parse(base);
        int fetchSize = config.get(FETCH_SIZE, SettingType.integer(1, 1_000_000), 0);
        List<String> problems = new ArrayList<>();
        Map<String, String> session = withPrefix(config, SESSION, problems);
        if (fetchSize > 0) {
            session.put("fetchSize", Integer.toString(fetchSize));
        }
        Map<String, String> conf = withPrefix(config, CONF, problems);
        Map<String, String> vars = withPrefix(config, VAR, problems);
        if (config.find(PASSWORD).isPresent() && !config.isSecret(PASSWORD)) {
            problems.add(PASSWORD + ": is stored in plain text; publish it as a secret so it is encrypted in ZooKeeper");
        }
        if (!problems.isEmpty()) {
            throw new ConfigValueException("Cannot build Hive connection settings from " + config.describeSource() + ":"
                    + problems.stream().map(p -> System.lineSeparator() + "  - " + p).collect(Collectors.joining()));
        }
        return new HiveConnectionSettings(url.with(session, conf, vars).toString(), fetchSize,
                config.getString(USER, null), config);
    }

    /** The full JDBC URL, credentials excluded: safe to log. */
    public String url() {
        return url;
    }

    /** Rows per fetch, or 0 for the driver's default. */
    public int fetchSize() {
        return fetchSize;
    }

    /** Properties for {@link DriverManager#getConnection(String, Properties)}: user and password. */
    public Properties connectionProperties(SecretCodec codec) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (source.find(PASSWORD).isPresent()) {
            if (codec == null) {
                throw new ConfigValueException(PASSWORD + " in " + source.describeSource()
                        + " is secret; pass the set's SecretCodec to read it");
            }
            p.setProperty("password", source.secret(PASSWORD, codec).reveal());
        }
        return p;
    }

    /** Opens a connection with these settings through the JDBC driver on the classpath. */
    public Connection open(SecretCodec codec) throws SQLException {
        return DriverManager.getConnection(url, connectionProperties(codec));
    }

    /** A statement with the configured fetch size. */
    public Statement createStatement(Connection connection) throws SQLException {
        Statement statement = connection.createStatement();
        if (fetchSize > 0) {
            statement.setFetchSize(fetchSize);
        }
        return statement;
    }

    private static Map<String, String> withPrefix(ConfigView config, String prefix, List<String> problems) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String key : config.keys()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            String name = key.substring(prefix.length());
            String value = config.getString(key, "");
            if (!HiveJdbcUrl.isSafe(name) || !HiveJdbcUrl.isSafe(value)) {
                problems.add(key + ": names and values may not contain ';', '?', '#', '=' or line breaks, which "
                        + "structure the JDBC URL");
            } else {
                found.put(name, value);
            }
        }
        return found;
    }
}
