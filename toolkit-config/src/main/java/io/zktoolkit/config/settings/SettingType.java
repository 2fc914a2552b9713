package io.zktoolkit.config.settings;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the text of one setting becomes a typed value, and how to tell a user what is valid.
 *
 * @param <T> the parsed type
 */
public interface SettingType<T> {

    /**
     * Parses the text.
     *
     * @throws IllegalArgumentException with a message saying what was expected
     */
    T parse(String text);

    /** What values are valid, in words, for error messages and the README table. */
    String describe();

    /** Whether values of this type are secrets that must never be shown. */
    default boolean isSecret() {
        return false;
    }

    /** Any text, trimmed. */
    static SettingType<String> text() {
        return of("text", String::trim);
    }

    /** A secret: never echoed in an error or log line. */
    static SettingType<Secret> secret() {
        return secret("text", text -> { });
    }

    /**
     * A secret whose plain text must pass {@code check}, which throws IllegalArgumentException
     * with a message that must not contain the value.
     */
    static SettingType<Secret> secret(String description, java.util.function.Consumer<String> check) {
        return new SettingType<>() {
            @Override
            public Secret parse(String text) {
                check.accept(text.trim());
                return Secret.of(text.trim());
            }

            @Override
            public String describe() {
                return description + ", secret: masked in every output";
            }

            @Override
            public boolean isSecret() {
                return true;
            }
        };
    }

    /** {@code true} or {@code false}, nothing else. */
    static SettingType<Boolean> bool() {
        return of("true or false", s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    /** A whole number within {@code [min, max]}. */
    static SettingType<Integer> integer(int min, int max) {
        String valid = "a whole number from " + min + " to " + max;
        return ranged(valid, valid, Integer::parseInt, min, max);
    }

    /** A whole number within {@code [min, max]}, as a long. */
    static SettingType<Long> longInteger(long min, long max) {
        String valid = "a whole number from " + min + " to " + max;
        return ranged(valid, valid, Long::parseLong, min, max);
    }

    /** A finite decimal number within {@code [min, max]} (NaN and infinities fall outside any finite range). */
    static SettingType<Double> decimal(double min, double max) {
        String valid = "a number from " + min + " to " + max;
        return ranged(valid, valid, Double::parseDouble, min, max);
    }

    /** A size in bytes within {@code [min, max]}, in the {@link Sizes} format. */
    static SettingType<Long> size(long min, long max) {
        return ranged("size, " + min + " to " + max + " bytes", Sizes.VALID + ", from " + min + " to " + max + " bytes",
                Sizes::parse, min, max);
    }

    /** A comma-separated list; items are trimmed and empty items dropped. */
    static SettingType<java.util.List<String>> list() {
        return of("a comma-separated list", s -> java.util.Arrays.stream(s.split(","))
                .map(String::trim).filter(item -> !item.isEmpty()).toList());
    }

    /** Text matching a regular expression as a whole. */
    static SettingType<String> matching(String regex) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        String valid = "text matching " + regex;
        return of(valid, s -> {
            if (!pattern.matcher(s.trim()).matches()) {
                throw new IllegalArgumentException("expected " + valid);
            }
            return s.trim();
        });
    }

    /** A duration of at least {@code min}, in the {@link Durations} format. */
    static SettingType<Duration> duration(Duration min) {
        return ranged("duration, at least " + Durations.format(min), Durations.VALID + ", at least " + Durations.format(min),
                Durations::parse, min, null);
    }

    /**
     * A value parsed by {@code parser} within {@code [min, max]} ({@code max} null for no upper
     * bound); text that does not parse and values out of range get the same message, saying what is valid.
     */
    private static <T extends Comparable<T>> SettingType<T> ranged(String description, String valid,
            Function<String, T> parser, T min, T max) {
        return of(description, s -> {
            T value;
            try {
                value = parser.apply(s.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected " + valid);
            }
            if (value.compareTo(min) < 0 || (max != null && value.compareTo(max) > 0)) {
                throw new IllegalArgumentException("expected " + valid);
            }
            return value;
        });
    }

    /** A file system path. */
    static SettingType<Path> path() {
        return of("a file system path", s -> {
            try {
                return Path.of(s.trim());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("expected a file system path: " + e.getReason());
            }
        });
    }

    /**
     * One of an enum's constants, written in lower case with dashes ({@code BOUNDED_EXPONENTIAL}
     * is {@code bounded-exponential}).
     */
    static <E extends Enum<E>> SettingType<E> oneOf(Class<E> type) {
        String valid = "one of " + Arrays.stream(type.getEnumConstants())
                .map(SettingType::spell).collect(Collectors.joining(", "));
        return of(valid, s -> {
            String wanted = s.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (spell(e).equals(wanted)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("expected " + valid);
        });
    }

    /** How an enum constant is written in a settings file. */
    static String spell(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A type from a description and a parse function. */
    static <T> SettingType<T> of(String description, Function<String, T> parser) {
        return new SettingType<>() {
            @Override
            public T parse(String text) {
                return parser.apply(text);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
