package io.zktoolkit.sync.sqoop;

import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.StoredText;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The text of one saved-job znode: comment lines saying what it is, the tool name as
 * {@value #TOOL_KEY}, then every SqoopOptions property sorted by key, in the properties file
 * syntax ({@link Properties#load(java.io.Reader)} reads it back; UTF-8). Readable with
 * {@code zkCli get}.
 */
final class SavedJobText {
    /** The key holding the Sqoop tool's name, as in Sqoop's own HSQLDB storage. */
    static final String TOOL_KEY = "sqoop.tool";
    /** Where SqoopOptions writes a password when {@code sqoop.metastore.client.record.password} is on. */
    static final String PASSWORD_KEY = "db.password";
    static final String CONNECT_KEY = "db.connect.string";

    private SavedJobText() {
    }

    /**
     * The znode data of a job.
     *
     * @param origin a comment line saying who wrote it and when
     * @throws IllegalArgumentException when the properties hold a password in clear
     */
    static byte[] encode(String jobName, String tool, Properties options, String origin) {
        refuseClearPasswords(jobName, options);
        StringBuilder text = new StringBuilder();
        text.append("# Sqoop saved job ").append(jobName).append('\n');
        text.append("# ").append(origin).append('\n');
        line(text, TOOL_KEY, tool);
        for (String key : new TreeSet<>(options.stringPropertyNames())) {
            line(text, key, options.getProperty(key));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The tool name and the SqoopOptions properties of a saved job. */
    record Decoded(String tool, Properties options) {
    }

    /** @throws CorruptSyncDataException naming the path when the data is not a saved job */
    static Decoded decode(String path, byte[] data) {
        Properties all = new Properties();
        try {
            all.load(new StringReader(StoredText.decode(path, data)));
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptSyncDataException(path, "not properties text (" + e.getMessage() + ")");
        }
        String tool = (String) all.remove(TOOL_KEY);
        if (tool == null || tool.isBlank()) {
            throw new CorruptSyncDataException(path, "no " + TOOL_KEY + " line, so it names no Sqoop tool");
        }
        return new Decoded(tool, all);
    }

    private static void refuseClearPasswords(String jobName, Properties options) {
        if (options.getProperty(PASSWORD_KEY) != null) {
            throw new IllegalArgumentException("Sqoop job " + jobName + " carries its database password in clear ("
                    + PASSWORD_KEY + ", because sqoop.metastore.client.record.password is true); this storage never"
                    + " keeps passwords in clear. Use --password-file or --password-alias, or set"
                    + " sqoop.metastore.client.record.password=false and give the password at each --exec");
        }
        String connect = options.getProperty(CONNECT_KEY, "");
        if (connect.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("Sqoop job " + jobName + " has a password inside its --connect URL ("
                    + CONNECT_KEY + "); this storage never keeps passwords in clear. Use --password-file or --password-alias");
        }
    }

    private static void line(StringBuilder text, String key, String value) {
        escape(text, key, true);
        text.append('=');
        escape(text, value, false);
        text.append('\n');
    }

    /** Escapes what {@link Properties#load(java.io.Reader)} would otherwise read differently. */
    private static void escape(StringBuilder text, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\f' -> text.append("\\f");
                default -> {
                    boolean special = key ? List.of('=', ':', ' ', '#', '!').contains(c) : c == ' ' && i == 0;
                    if (special) {
                        text.append('\\');
                    }
                    text.append(c);
                }
            }
        }
    }
}
