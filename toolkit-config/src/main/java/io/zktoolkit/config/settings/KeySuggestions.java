package io.zktoolkit.config.settings;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The valid name a user probably meant when they wrote an unknown one: the name it is a prefix
 * of (a truncated line), or one a few edits away (a typo).
 */
public final class KeySuggestions {
    private KeySuggestions() {
    }

    /** The nearest of {@code valid} to {@code written}, if any is plausibly meant. */
    public static Optional<String> nearest(String written, Collection<String> valid) {
        Optional<String> completion = valid.stream().filter(v -> v.startsWith(written)).findFirst();
        if (completion.isPresent()) {
            return completion;
        }
        return valid.stream()
                .min(Comparator.comparingInt(v -> distance(v, written)))
                .filter(v -> distance(v, written) <= Math.max(3, written.length() / 4));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
