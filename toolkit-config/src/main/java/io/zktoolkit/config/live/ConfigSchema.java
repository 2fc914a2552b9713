package io.zktoolkit.config.live;

import io.zktoolkit.config.settings.SettingType;
import io.zktoolkit.config.settings.SettingsException.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declared keys of a configuration set: each with a type (which carries its range or
 * pattern), required or optional, and whether it is secret. {@link ConfigStore} checks every
 * update against its set's schema before writing, so a running job never sees an invalid value.
 *
 * <pre>{@code
 * ConfigSchema schema = ConfigSchema.builder()
 *         .required("source.table", SettingType.matching("[a-z_]+"))
 *         .optional("mappers", SettingType.integer(1, 64))
 *         .secret("source.password")
 *         .build();
 * }</pre>
 */
public final class ConfigSchema {
    /** One declared key. */
    record Rule(String key, SettingType<?> type, boolean required, boolean secret) {
    }

    private final Map<String, Rule> rules;
    private final boolean strict;

    private ConfigSchema(Map<String, Rule> rules, boolean strict) {
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        this.strict = strict;
    }

    /** A builder with no keys declared, accepting undeclared keys. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keys declared as plain typed values: shown even when their names look secret. */
    public Set<String> plainKeys() {
        Set<String> plain = new TreeSet<>();
        rules.values().stream().filter(r -> !r.secret()).forEach(r -> plain.add(r.key()));
        return plain;
    }

    /** Keys declared secret. */
    public Set<String> secretKeys() {
        Set<String> secrets = new TreeSet<>();
        rules.values().stream().filter(Rule::secret).forEach(r -> secrets.add(r.key()));
        return secrets;
    }

    /**
     * Every problem with a proposed set of entries. Values of secret keys are checked for presence
     * only and never echoed.
     *
     * @param plain the proposed entries, secret values in plain text or ciphertext
     */
    List<Problem> check(Map<String, String> plain) {
        List<Problem> problems = new ArrayList<>();
        for (Rule rule : rules.values()) {
            String value = plain.get(rule.key());
            if (value == null) {
                if (rule.required()) {
                    problems.add(new Problem(rule.key(), "is required; expected " + rule.type().describe()));
                }
                continue;
            }
            if (rule.secret()) {
                continue;
            }
            try {
                rule.type().parse(value);
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(rule.key(), "value '" + value + "': " + e.getMessage()));
            }
        }
        if (strict) {
            plain.keySet().stream().filter(k -> !rules.containsKey(k)).sorted().forEach(k ->
                    problems.add(new Problem(k, "is not declared in the schema; declared keys are " + rules.keySet())));
        }
        return problems;
    }

    /** Declares keys. */
    public static final class Builder {
        private final Map<String, Rule> rules = new LinkedHashMap<>();
        private boolean strict;

        private Builder() {
        }

        /** A key that must be present, of this type. */
        public Builder required(String key, SettingType<?> type) {
            return add(new Rule(key, type, true, false));
        }

        /** A key that may be absent; when present it must be of this type. */
        public Builder optional(String key, SettingType<?> type) {
            return add(new Rule(key, type, false, false));
        }

        /** A required secret key: stored encrypted, shown masked. */
        public Builder secret(String key) {
            return add(new Rule(key, SettingType.text(), true, true));
        }

        /** An optional secret key. */
        public Builder optionalSecret(String key) {
            return add(new Rule(key, SettingType.text(), false, true));
        }

        /** Rejects keys the schema does not declare. */
        public Builder strict() {
            this.strict = true;
            return this;
        }

        private Builder add(Rule rule) {
            Objects.requireNonNull(rule.key(), "key");
            if (rules.putIfAbsent(rule.key(), rule) != null) {
                throw new IllegalArgumentException("Key '" + rule.key() + "' is declared twice in the schema");
            }
            return this;
        }

        /** The schema. */
        public ConfigSchema build() {
            return new ConfigSchema(rules, strict);
        }
    }
}
