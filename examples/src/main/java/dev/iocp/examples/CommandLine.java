package dev.iocp.examples;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The examples' command-line options: {@code --name value} pairs, each allowed at most once.
 * Errors name the offending argument and what would have been accepted, because a typo in an
 * example's arguments should cost the reader seconds, not a stack trace.
 */
final class CommandLine {
    static final String TRANSPORT = "--transport";
    static final String PORT = "--port";
    static final String HOST = "--host";
    static final String UNIX = "--unix";

    private final Map<String, String> values;

    private CommandLine(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args}, accepting only {@code allowed} options.
     *
     * @throws IllegalArgumentException naming the bad argument and listing the allowed options
     */
    static CommandLine parse(String[] args, List<String> allowed) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!allowed.contains(option)) {
                throw new IllegalArgumentException("unknown argument '" + option + "'; allowed options: "
                        + String.join(", ", allowed));
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            if (values.put(option, args[++i]) != null) {
                throw new IllegalArgumentException(option + " given more than once");
            }
        }
        return new CommandLine(values);
    }

    /**
     * Parses {@code args} for a {@code main} and turns them into its settings; on a bad argument
     * (in parsing or in {@code settings}) prints the problem and the usage line to standard
     * error and exits with status 2, the convention for usage errors.
     */
    static <T> T parseOrExit(String usage, String[] args, List<String> allowed, Function<CommandLine, T> settings) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: " + usage);
            System.exit(0);
        }
        try {
            return settings.apply(parse(args, allowed));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: " + usage);
            System.exit(2);
            throw e; // not reached
        }
    }

    /** The string value of {@code option}, or {@code defaultValue} when it was not given. */
    String value(String option, String defaultValue) {
        return values.getOrDefault(option, defaultValue);
    }

    /** The integer value of {@code option} within [min, max], or {@code defaultValue}. */
    int intValue(String option, int defaultValue, int min, int max) {
        String text = values.get(option);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /**
     * {@code --transport}, {@link Transport#DEFAULT} when absent; one that cannot run here is an
     * error that says why, so the user learns it before anything starts.
     */
    Transport transport() {
        String name = values.get(TRANSPORT);
        Transport transport = name == null ? Transport.DEFAULT : Transport.parse(name);
        Throwable cause = transport.unavailabilityCause();
        if (cause != null) {
            throw new IllegalArgumentException("transport " + transport + " cannot run here: " + cause.getMessage()
                    + "; choose another with --transport (allowed: " + Transport.allowedNames() + ")");
        }
        return transport;
    }

    /** {@code --port}; 0 asks the kernel for a free one. */
    int port(int defaultPort) {
        return intValue(PORT, defaultPort, 0, 65535);
    }

    /**
     * {@code --unix}, the path of a Unix-domain socket to listen on instead of TCP; null when
     * absent.
     *
     * @throws IllegalArgumentException when given with {@code --host} or {@code --port}, which
     *                                  name a TCP address, or empty
     */
    Path unixSocketPath() {
        String path = values.get(UNIX);
        if (path == null) {
            return null;
        }
        if (values.containsKey(HOST) || values.containsKey(PORT)) {
            throw new IllegalArgumentException(UNIX + " listens on a socket file instead of TCP: it cannot be combined with "
                    + HOST + " or " + PORT);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException(UNIX + " needs a socket file path");
        }
        return Path.of(path);
    }

    /** {@code --host}, the address to bind or connect to; loopback unless told otherwise. */
    String host() {
        return value(HOST, "127.0.0.1");
    }
}
