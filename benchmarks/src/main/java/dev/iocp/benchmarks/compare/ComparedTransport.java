package dev.iocp.benchmarks.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The transports the comparison runs, each in its own server JVM, under the names used on the
 * command line, in the tables and in the raw files.
 *
 * <p>This class names them and says how their JVM is started; it loads none of their classes, so
 * the orchestrating process never initialises a native transport. {@link ServerTransports} builds
 * them inside the server.
 */
public enum ComparedTransport {
    /** transport-iocp on its io_uring backend: the subject of the comparison. */
    IOCP("iocp", "io_uring"),
    /** transport-iocp on its portable java.nio backend, compared with Netty's NIO. */
    IOCP_NIO("iocp-nio", "nio"),
    /** Netty's java.nio transport. */
    NIO("nio", null),
    /** Netty's native epoll transport ({@code netty-transport-native-epoll}). */
    EPOLL("epoll", null),
    /** Netty's native io_uring transport, default configuration (no provided-buffer ring). */
    IO_URING("io_uring", null);

    private final String cliName;
    private final String iocpBackend;

    ComparedTransport(String cliName, String iocpBackend) {
        this.cliName = cliName;
        this.iocpBackend = iocpBackend;
    }

    /** The name on the command line and in every output, e.g. {@code iocp-nio}. */
    public String cliName() {
        return cliName;
    }

    /** Whether this is one of Netty's own transports, a reference rather than a subject. */
    public boolean isNetty() {
        return iocpBackend == null;
    }

    /**
     * The {@code dev.iocp.backend} this transport-iocp variant runs on; {@code null} for Netty's
     * transports. Passed to the server JVM as a system property and checked by the server, so a
     * backend silently falling back cannot be measured under the wrong name.
     */
    public String iocpBackend() {
        return iocpBackend;
    }

    /** The JVM flags that select this transport's backend, before the main class. */
    public List<String> jvmFlags() {
        return iocpBackend == null ? List.of() : List.of("-Ddev.iocp.backend=" + iocpBackend);
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** The transport a command-line name means; the error lists the names allowed. */
    public static ComparedTransport parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ComparedTransport transport : values()) {
            if (transport.cliName.equals(wanted)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "'; allowed: " + allNames());
    }

    /** A comma-separated list of transports, in the order given, without duplicates. */
    public static List<ComparedTransport> parseList(String names) {
        List<ComparedTransport> transports = new ArrayList<>();
        for (String name : names.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            ComparedTransport transport = parse(name);
            if (transports.contains(transport)) {
                throw new IllegalArgumentException("transport '" + transport + "' named twice in '" + names + "'");
            }
            transports.add(transport);
        }
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("no transport named; allowed: " + allNames());
        }
        return transports;
    }

    /** Every name, comma-separated, for usage and error messages. */
    public static String allNames() {
        return Arrays.stream(values()).map(ComparedTransport::cliName).collect(Collectors.joining(","));
    }
}
