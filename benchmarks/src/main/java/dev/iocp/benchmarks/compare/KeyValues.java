package dev.iocp.benchmarks.compare;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value key=value} lines of the server's control protocol and of its start-up
 * line: easy for a person to read, and parsed here without a format library.
 */
final class KeyValues {
    private KeyValues() {
    }

    /**
     * The pairs of {@code line}, in order. Words without {@code =} (a reply's leading status
     * word, say) are skipped; a key given twice keeps its last value.
     */
    static Map<String, String> parse(String line) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int equals = word.indexOf('=');
            if (equals > 0) {
                pairs.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return pairs;
    }

    /** The value of {@code key} as a long; a clear error naming the line when it is missing or not a number. */
    static long longValue(Map<String, String> pairs, String key, String line) {
        String value = pairs.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no '" + key + "=' in '" + line + "'");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "=" + value + "' is not a whole number in '" + line + "'", e);
        }
    }
}
