package dev.iocp.benchmarks.soak;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options of the soak programs. They are started by
 * {@code soak.sh}, not by hand, so this only has to reject what it does not know, loudly: a typo
 * in the script should stop the run, not be ignored for ten minutes.
 */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    private Options() {
    }

    /** Parses {@code args}; every name must be in {@code known}. */
    static Options parse(String[] args, Set<String> known) {
        Options options = new Options();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!known.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad option '" + name + "'; options: " + known + ", each with a value");
            }
            options.values.put(name, args[i + 1]);
        }
        return options;
    }

    int intValue(String name, int fallback, int min, int max) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        int parsed = Integer.parseInt(value);
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " " + parsed + " is outside [" + min + ", " + max + "]");
        }
        return parsed;
    }

    long longValue(String name, long fallback) {
        String value = values.get(name);
        return value == null ? fallback : Long.parseLong(value);
    }
}
