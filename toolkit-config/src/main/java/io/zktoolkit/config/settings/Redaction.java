package io.zktoolkit.config.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials inside text the toolkit shows (messages, log lines, znode names): database
 * passwords in JDBC URLs and in Sqoop command lines. One place, so every Sqoop and JDBC
 * integration hides the same things the same way.
 */
public final class Redaction {
    /** {@code password=...} and the like as a URL query or {@code ;key=value} property. */
    private static final Pattern URL_PROPERTY = Pattern.compile(
            "([?&;]\\s*(?:password|passwd|pwd|secret|token|[a-z._-]*\\.password)\\s*=)[^&;]*", Pattern.CASE_INSENSITIVE);
    /** {@code //user:password@host} */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*@");
    /** Oracle's thin form {@code jdbc:oracle:thin:user/password@host}. */
    private static final Pattern ORACLE_THIN = Pattern.compile("(jdbc:oracle:[a-z]+:[^/@:]+/)[^@]*@", Pattern.CASE_INSENSITIVE);
    /** Sqoop options whose value is a credential. */
    private static final List<String> SECRET_OPTIONS = List.of("--password", "--meta-password");

    private Redaction() {
    }

    /** {@code url} with any password it carries replaced by the mask; null stays null. */
    public static String jdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String out = URL_PROPERTY.matcher(url).replaceAll("$1" + Matcher.quoteReplacement(Secret.mask()));
        out = USER_INFO.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(Secret.mask()) + "@");
        return ORACLE_THIN.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(Secret.mask()) + "@");
    }

    /**
     * A command line (Sqoop's) with the values of {@code --password} and {@code --meta-password}
     * masked and passwords inside any argument's JDBC URL masked; a password file's path is not secret.
     */
    public static List<String> arguments(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean nextIsSecret = false;
        for (String arg : args) {
            String lower = arg.toLowerCase(Locale.ROOT);
            if (nextIsSecret) {
                out.add(Secret.mask());
                nextIsSecret = false;
            } else if (SECRET_OPTIONS.contains(lower)) {
                out.add(arg);
                nextIsSecret = true;
            } else if (SECRET_OPTIONS.stream().anyMatch(o -> lower.startsWith(o + "="))) {
                out.add(arg.substring(0, arg.indexOf('=') + 1) + Secret.mask());
            } else {
                out.add(jdbcUrl(arg));
            }
        }
        return out;
    }
}
