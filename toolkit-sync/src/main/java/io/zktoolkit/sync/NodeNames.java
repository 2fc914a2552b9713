package io.zktoolkit.sync;

import java.util.regex.Pattern;

/**
 * The naming rules of this module's znodes, in one place: a single name (a job, task, barrier or
 * member id) and a name path (a checkpoint or shared value, segments separated by '/').
 */
public final class NodeNames {
    /** What a single name may be, for error messages. */
    public static final String NAME_RULE = "use 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit";
    /** What a name path may be, for error messages. */
    public static final String NAME_PATH_RULE = "use segments of letters, digits, '.', '_' or '-' separated by '/'"
            + " (no empty, '.' or '..' segment, no leading or trailing '/'), at most 400 characters";

    private static final int MAX_PATH_LENGTH = 400;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    private NodeNames() {
    }

    /** Whether {@code name} is one valid znode name under {@link #NAME_RULE}. */
    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Whether {@code path} is segments of letters, digits, '.', '_' or '-' separated by '/', with no
     * empty, '.' or '..' segment (ZooKeeper refuses those), no leading or trailing '/', and at most 400 characters.
     */
    public static boolean isNamePath(String path) {
        if (path == null || path.isEmpty() || path.length() > MAX_PATH_LENGTH) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} made into a valid name: other characters become '-', a leading '.', '_' or '-' goes, at most 200. */
    public static String sanitize(String text) {
        String cleaned = text == null ? "" : text.replaceAll("[^A-Za-z0-9._-]+", "-").replaceFirst("^[._-]+", "");
        cleaned = cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
        return cleaned.isEmpty() ? "job" : cleaned;
    }
}
