package io.zktoolkit.config.settings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings that cannot be used: a missing or unreadable file, an unknown key, a value of the
 * wrong type. The message names the source (file path or description), every key at fault and
 * what would be valid. It never contains the value of a secret. Nothing is started on invalid
 * settings.
 */
public class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * One key at fault.
     *
     * @param key the key, or {@code null} for a problem with the source as a whole
     * @param message what is wrong and what would be valid
     */
    public record Problem(String key, String message) {
        @Override
        public String toString() {
            return key == null ? message : key + ": " + message;
        }
    }

    private final String source;
    private final transient List<Problem> problems;

    /** Problems with individual keys of one source. */
    public SettingsException(String source, List<Problem> problems) {
        super(format(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** A problem with the source as a whole, such as a file that cannot be read. */
    public SettingsException(String source, String message, Throwable cause) {
        super("Invalid settings in " + source + ": " + message, cause);
        this.source = source;
        this.problems = List.of(new Problem(null, message));
    }

    /** Where the settings came from: a file path or a description such as "Hadoop Configuration". */
    public String source() {
        return source;
    }

    /** Every problem found; the toolkit reports all of them at once rather than the first. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(String source, List<Problem> problems) {
        if (problems.size() == 1) {
            return "Invalid settings in " + source + ": " + problems.get(0);
        }
        return "Invalid settings in " + source + " (" + problems.size() + " problems):"
                + problems.stream().map(p -> System.lineSeparator() + "  - " + p).collect(Collectors.joining());
    }
}
