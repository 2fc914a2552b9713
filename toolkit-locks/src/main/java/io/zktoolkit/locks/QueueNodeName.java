package io.zktoolkit.locks;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@link LockRequest} is written into the name of its node in a shared-exclusive queue:
 * {@code <mode>~<object>~lock-<sequence>}, the object's segments joined by {@code /} and
 * URL-encoded. Keeping both in the name lets a participant decide whether it may go ahead from
 * one listing of the queue, with no read per waiter, and lets an operator read the queue with any
 * ZooKeeper shell.
 */
final class QueueNodeName {
    static final String LOCK_MARK = "lock-";
    private static final String SEPARATOR = "~";
    private static final Pattern NAME = Pattern.compile("(?:_c_[0-9a-fA-F-]{36}-)?([A-Z])~([^~]*)~lock-\\d+");

    private QueueNodeName() {
    }

    /** The node name before the sequence number Curator appends. */
    static String prefix(LockRequest request) {
        String joined = String.join("/", request.object());
        return request.mode().code() + SEPARATOR + URLEncoder.encode(joined, StandardCharsets.UTF_8) + SEPARATOR + LOCK_MARK;
    }

    /** The sequence number after the last {@code mark} in a node name; the name itself when there is none. */
    static String sequence(String nodeName, String mark) {
        int at = nodeName.lastIndexOf(mark);
        return at < 0 ? nodeName : nodeName.substring(at + mark.length());
    }

    /**
     * The request a queue node stands for, or empty for a node this class did not name. A node of
     * this shape that no toolkit writer could have named (a bad {@code %} escape, an empty object
     * segment) is foreign too: it is reported as empty rather than failing the whole listing, since
     * one stray node under a lock must not break every holder's turn or the inspector.
     */
    static Optional<LockRequest> parse(String nodeName) {
        Matcher m = NAME.matcher(nodeName);
        if (!m.matches()) {
            return Optional.empty();
        }
        LockMode mode = LockMode.ofCode(m.group(1).charAt(0));
        if (mode == null) {
            return Optional.empty();
        }
        try {
            String joined = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            return Optional.of(new LockRequest(joined.isEmpty() ? List.of() : Arrays.asList(joined.split("/", -1)), mode));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }
}
