package io.zktoolkit.sync.state;

import io.zktoolkit.locks.Holder;
import io.zktoolkit.sync.CorruptSyncDataException;
import io.zktoolkit.sync.EscapedFields;
import io.zktoolkit.sync.StoredText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of a job or task znode, readable with {@code zkCli get}: a header, the status fields,
 * the attributes as name/value pairs, then one line per transition.
 */
final class StatusFormat {
    private static final String HEADER = "zktoolkit-run-status\t1";
    private static final int FIELDS = 10;

    private StatusFormat() {
    }

    static byte[] encode(RunStatus s) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        text.append(EscapedFields.join(List.of(s.id(), s.state().name(), Long.toString(s.sequence()),
                Long.toString(s.done()), Long.toString(s.total()), s.message(), s.publisher().host(),
                Long.toString(s.publisher().pid()), s.publisher().job(), s.updatedAt().toString()))).append('\n');
        List<String> pairs = new ArrayList<>();
        s.attributes().forEach((k, v) -> {
            pairs.add(k);
            pairs.add(v);
        });
        text.append(EscapedFields.join(pairs));
        for (Transition t : s.transitions()) {
            text.append('\n').append(EscapedFields.join(List.of(Integer.toString(t.ordinal()), t.state().name(),
                    t.at().toString(), t.reason())));
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static RunStatus decode(String path, byte[] data) {
        String[] lines = StoredText.decode(path, data).split("\n", -1);
        if (!lines[0].equals(HEADER) || lines.length < 3) {
            throw new CorruptSyncDataException(path, "expected the header '" + HEADER.replace('\t', ' ')
                    + "' and at least a status line and an attributes line, found '" + StoredText.abbreviate(lines[0]) + "'");
        }
        try {
            List<String> f = EscapedFields.split(lines[1]);
            if (f.size() != FIELDS) {
                throw new IllegalArgumentException(f.size() + " status fields instead of " + FIELDS);
            }
            List<String> pairs = lines[2].isEmpty() ? List.of() : EscapedFields.split(lines[2]);
            if (pairs.size() % 2 != 0) {
                throw new IllegalArgumentException("an attribute without a value");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < pairs.size(); i += 2) {
                attributes.put(pairs.get(i), pairs.get(i + 1));
            }
            List<Transition> transitions = new ArrayList<>();
            for (int i = 3; i < lines.length; i++) {
                List<String> t = EscapedFields.split(lines[i]);
                if (t.size() != 4) {
                    throw new IllegalArgumentException("line " + (i + 1) + " has " + t.size() + " transition fields instead of 4");
                }
                transitions.add(new Transition(Integer.parseInt(t.get(0)), RunState.valueOf(t.get(1)),
                        Instant.parse(t.get(2)), t.get(3)));
            }
            return new RunStatus(f.get(0), RunState.valueOf(f.get(1)), Long.parseLong(f.get(2)), Long.parseLong(f.get(3)),
                    Long.parseLong(f.get(4)), f.get(5), new Holder(f.get(6), Long.parseLong(f.get(7)), f.get(8)),
                    Instant.parse(f.get(9)), attributes, transitions);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new CorruptSyncDataException(path, "not a job or task status (" + e.getMessage() + ")");
        }
    }
}
