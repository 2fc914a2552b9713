package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.SettingsException.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** An update breaks its set's schema; nothing was written. The message names each bad key. */
public class ConfigValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    /** For every problem found. */
    public ConfigValidationException(ConfigSetName set, List<Problem> problems) {
        super("Update of configuration set " + set + " rejected, nothing written:" + problems.stream()
                .map(p -> System.lineSeparator() + "  - " + p).collect(Collectors.joining()));
        this.problems = List.copyOf(problems);
    }

    /** Each bad key and why. */
    public List<Problem> problems() {
        return problems;
    }
}
