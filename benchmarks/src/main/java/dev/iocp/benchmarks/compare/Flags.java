package dev.iocp.benchmarks.compare;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --name value} options and {@code --switch}es of the comparison's programs. Anything not
 * declared is an error that lists what is, so a typo stops the run at once instead of being
 * ignored for half an hour.
 */
final class Flags {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches = new HashSet<>();

    private Flags() {
    }

    /**
     * Parses {@code args}: each name in {@code valued} takes the next argument as its value, each
     * name in {@code switchNames} stands alone. {@code --name=value} is accepted too.
     */
    static Flags parse(String[] args, Set<String> valued, Set<String> switchNames) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                inlineValue = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            if (switchNames.contains(arg) && inlineValue == null) {
                flags.switches.add(arg);
            } else if (valued.contains(arg)) {
                String value = inlineValue;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    value = args[++i];
                }
                flags.values.put(arg, value);
            } else {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(switchNames);
                throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: " + known);
            }
        }
        return flags;
    }

    boolean has(String switchName) {
        return switches.contains(switchName);
    }

    boolean given(String name) {
        return values.containsKey(name);
    }

    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    int intValue(String name, int fallback, int min, int max) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number", e);
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(name + " " + parsed + " is outside [" + min + ", " + max + "]");
        }
        return parsed;
    }
}
