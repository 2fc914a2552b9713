package io.zktoolkit.benchmarks;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Command-line options of {@link BenchmarkRunner}.
 *
 * @param out where the JSON results go; the Markdown table goes beside it
 * @param only run only cases whose name contains this text
 * @param trials measured trials per side for every case, instead of each case's own count
 * @param warmups warmup trials per side for every case, instead of each case's own count
 */
public record RunnerOptions(Path out, Optional<String> only, OptionalInt trials, OptionalInt warmups) {
    /** Usage text printed on a bad argument. */
    public static final String USAGE = "usage: BenchmarkRunner --out <file.json> [--only <name substring>]"
            + " [--trials N] [--warmups N]";

    /**
     * Parses {@code --out <file>}, {@code --only <text>}, {@code --trials N} and {@code --warmups N}.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static RunnerOptions parse(String... args) {
        Path out = null;
        Optional<String> only = Optional.empty();
        OptionalInt trials = OptionalInt.empty();
        OptionalInt warmups = OptionalInt.empty();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--out" -> out = Path.of(value);
                case "--only" -> only = Optional.of(value);
                case "--trials" -> trials = OptionalInt.of(count(flag, value, 1));
                case "--warmups" -> warmups = OptionalInt.of(count(flag, value, 0));
                default -> throw new IllegalArgumentException("unknown argument " + flag + "; " + USAGE);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out is required; " + USAGE);
        }
        return new RunnerOptions(out, only, trials, warmups);
    }

    /** The Markdown file beside the JSON file: the same name ending in {@code .md}. */
    public Path markdownOut() {
        String file = out.getFileName().toString();
        String base = file.endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : file;
        return out.resolveSibling(base + ".md");
    }

    /** Whether a case is selected by {@code --only}. */
    public boolean selects(BenchmarkCase c) {
        return only.map(c.name()::contains).orElse(true);
    }

    private static int count(String flag, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new IllegalArgumentException(flag + " expects a whole number of at least " + min + ", got '" + value + "'");
    }
}
