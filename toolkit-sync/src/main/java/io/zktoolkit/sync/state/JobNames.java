package io.zktoolkit.sync.state;

import io.zktoolkit.config.ZnodeLimits;
import io.zktoolkit.sync.NodeNames;

/** Job and task ids: each becomes a znode name. */
final class JobNames {
    private JobNames() {
    }

    static String check(String what, String name) {
        if (!NodeNames.isName(name)) {
            throw new IllegalArgumentException("Invalid " + what + " '" + ZnodeLimits.printable(name) + "': " + NodeNames.NAME_RULE
                    + " (for example 'nightly-orders.2026-11-22')");
        }
        return name;
    }

    static String sanitize(String text) {
        return NodeNames.sanitize(text);
    }
}
