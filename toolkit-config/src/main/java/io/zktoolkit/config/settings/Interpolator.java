package io.zktoolkit.config.settings;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Resolves references in setting values, so secrets and machine-specific values need not sit in
 * a properties file:
 * <ul>
 *   <li>{@code ${env:NAME}}: an environment variable;</li>
 *   <li>{@code ${sys:name}}: a JVM system property;</li>
 *   <li>{@code ${file:path}}: the contents of a file (UTF-8, trailing line breaks removed), a path
 *       relative to the settings file's folder when there is one;</li>
 *   <li>{@code ${env:NAME:-fallback}} and {@code ${sys:name:-fallback}}: with a fallback;</li>
 *   <li>{@code $${}: a literal {@code ${}.</li>
 * </ul>
 * A reference that cannot be resolved is an error, never an empty string: a job with a missing
 * password should stop, not connect without one.
 */
public final class Interpolator {
    private final UnaryOperator<String> environment;
    private final UnaryOperator<String> systemProperties;
    private final Path baseDir;

    /**
     * @param environment looks up environment variables ({@code System::getenv} in production)
     * @param systemProperties looks up system properties ({@code System::getProperty} in production)
     * @param baseDir the folder relative {@code ${file:...}} paths start from, or {@code null}
     */
    public Interpolator(UnaryOperator<String> environment, UnaryOperator<String> systemProperties, Path baseDir) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.baseDir = baseDir;
    }

    /** Resolves against this process's environment and system properties. */
    public static Interpolator ofProcess(Path baseDir) {
        return new Interpolator(System::getenv, System::getProperty, baseDir);
    }

    /**
     * Resolves every reference in {@code value}.
     *
     * @throws IllegalArgumentException naming the reference that cannot be resolved
     */
    public String resolve(String value) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated reference: '${' without a closing '}'");
                }
                out.append(lookup(value.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(value.charAt(i++));
            }
        }
        return out.toString();
    }

    private String lookup(String reference) {
        int colon = reference.indexOf(':');
        String kind = colon < 0 ? reference : reference.substring(0, colon);
        String rest = colon < 0 ? "" : reference.substring(colon + 1);
        String name = rest;
        String fallback = null;
        int dash = rest.indexOf(":-");
        if (dash >= 0 && !kind.equals("file")) {
            name = rest.substring(0, dash);
            fallback = rest.substring(dash + 2);
        }
        if (name.isBlank() && colon >= 0) {
            throw new IllegalArgumentException("empty name in reference ${" + reference + "}");
        }
        String found = switch (kind) {
            case "env" -> environment.apply(name);
            case "sys" -> systemProperties.apply(name);
            case "file" -> readFile(name);
            default -> throw new IllegalArgumentException("unknown reference ${" + reference
                    + "}: use ${env:NAME}, ${sys:name} or ${file:path} (write $${ for a literal ${)");
        };
        if (found != null) {
            return found;
        }
        if (fallback != null) {
            return fallback;
        }
        throw new IllegalArgumentException(kind.equals("env")
                ? "refers to environment variable " + name + ", which is not set"
                : "refers to system property " + name + ", which is not set");
    }

    private String readFile(String name) {
        Path file = Path.of(name);
        if (!file.isAbsolute() && baseDir != null) {
            file = baseDir.resolve(file);
        }
        try {
            String text = StrictUtf8.decode(Files.readAllBytes(file));
            return text.replaceAll("[\\r\\n]+$", "");
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("refers to file " + file + ", which does not exist");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("refers to file " + file + ", which is not valid UTF-8");
        } catch (IOException e) {
            throw new IllegalArgumentException("refers to file " + file + ", which cannot be read: " + e);
        }
    }
}
