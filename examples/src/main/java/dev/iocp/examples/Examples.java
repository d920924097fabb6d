package dev.iocp.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One entry point for every example, so that each runs with one short command: the executable
 * jar's {@code Main-Class} ({@code java -jar transport-iocp-examples.jar EchoServer --port 9000})
 * and the examples module's {@code exec:exec} ({@code -Dexample="EchoServer --port 9000"}).
 *
 * <p>The first argument names the program; without one (or when the first argument is an
 * option) it is {@link HttpHelloWorldServer}, the main example. {@code --backend io_uring|nio|auto}
 * anywhere after it sets {@code dev.iocp.backend} before the transport is first used, so that
 * choosing the backend needs no JVM flag; everything else goes to the program.
 */
public final class Examples {
    private static final String BACKEND = "--backend";
    private static final String BACKEND_PROPERTY = "dev.iocp.backend";

    /** The programs by name, the main example first. */
    private static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("HttpHelloWorldServer", HttpHelloWorldServer::main);
        PROGRAMS.put("HttpStaticFileServer", HttpStaticFileServer::main);
        PROGRAMS.put("EchoServer", EchoServer::main);
        PROGRAMS.put("EchoClient", EchoClient::main);
        PROGRAMS.put("UdpEchoServer", UdpEchoServer::main);
        PROGRAMS.put("UdpEchoClient", UdpEchoClient::main);
        PROGRAMS.put("PortEcho", PortEcho::main);
    }

    @FunctionalInterface
    private interface Program {
        void main(String[] args) throws Exception;
    }

    private Examples() {
    }

    public static void main(String[] args) throws Exception {
        // exec:exec hands -Dexample="Name --option value" over as one argument.
        if (args.length == 1 && args[0].strip().contains(" ")) {
            args = args[0].strip().split("\\s+");
        }
        String name = args.length == 0 || args[0].isEmpty() || args[0].startsWith("-") ? "HttpHelloWorldServer" : args[0];
        if (args.length == 1 && args[0].equals("--help")) {
            printUsage(System.out);
            return;
        }
        Program program = find(name);
        if (program == null) {
            System.err.println("error: no example named '" + name + "'");
            printUsage(System.err);
            System.exit(2);
        }
        int from = args.length > 0 && args[0].equals(name) ? 1 : 0;
        String[] rest = Arrays.copyOfRange(args, from, args.length);
        program.main(withoutBackend(rest));
    }

    /** The program named {@code name}, ignoring case; null when there is none. */
    static Program find(String name) {
        for (Map.Entry<String, Program> entry : PROGRAMS.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** Applies a {@code --backend} option (as {@code -Ddev.iocp.backend}) and returns the other arguments. */
    static String[] withoutBackend(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(BACKEND)) {
                if (i + 1 == args.length) {
                    System.err.println("error: " + BACKEND + " needs a value: io_uring, nio or auto");
                    System.exit(2);
                }
                System.setProperty(BACKEND_PROPERTY, args[i + 1]);
                String[] rest = new String[args.length - 2];
                System.arraycopy(args, 0, rest, 0, i);
                System.arraycopy(args, i + 2, rest, i, args.length - i - 2);
                return rest;
            }
        }
        return args;
    }

    private static void printUsage(PrintStream out) {
        out.println("usage: [EXAMPLE] [--backend io_uring|nio|auto] [OPTIONS]   (EXAMPLE --help lists its options)");
        out.println("examples: " + String.join(", ", PROGRAMS.keySet()) + " (default: HttpHelloWorldServer)");
    }
}
