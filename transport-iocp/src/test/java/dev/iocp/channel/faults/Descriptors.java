package dev.iocp.channel.faults;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The network sockets this JVM has open, counted from {@code /proc/self/fd} (Linux). Only
 * sockets other than Unix-domain ones are counted: jars the class loader opens as a test goes
 * on are not a leak of the transport, and neither is the Unix socket pair the JDK makes once, on
 * the first close of a {@code java.net.Socket} or a NIO channel (its "pre-close" descriptor).
 */
public final class Descriptors {
    private static final Path FDS = Path.of("/proc/self/fd");

    private Descriptors() {
    }

    /** Whether descriptors can be counted here. */
    public static boolean available() {
        return Files.isDirectory(FDS);
    }

    /** Open socket descriptors of this process, Unix-domain sockets left out. */
    public static int sockets() {
        int count = 0;
        java.util.Set<String> unix = unixInodes();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(FDS)) {
            for (Path entry : entries) {
                try {
                    String target = Files.readSymbolicLink(entry).toString();
                    if (target.startsWith("socket:[") && !unix.contains(target.substring(8, target.length() - 1))) {
                        count++;
                    }
                } catch (IOException vanished) {
                    // closed while we looked (or the directory stream's own descriptor)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + FDS, e);
        }
        return count;
    }

    /** Inodes of the Unix-domain sockets in /proc/net/unix. */
    private static java.util.Set<String> unixInodes() {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 6) {
                    inodes.add(f[6]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no table: count every socket
        }
        return inodes;
    }

    private static final String[] TCP_STATES = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    /**
     * This process's open sockets, one line each: the TCP connection (from /proc/net/tcp and
     * tcp6) and its state, for a failure message that shows what leaked.
     */
    public static List<String> describeSockets() {
        Map<String, String> tcp = new HashMap<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9) {
                        int state = Integer.parseInt(f[3], 16);
                        tcp.put(f[9], port(f[1]) + " -> " + port(f[2]) + " "
                                + (state < TCP_STATES.length ? TCP_STATES[state] : "state " + state));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not there: describe by inode only
            }
        }
        for (String inode : unixInodes()) {
            tcp.put(inode, "(Unix-domain, not counted)");
        }
        List<String> sockets = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(FDS)) {
            for (Path entry : entries) {
                try {
                    String target = Files.readSymbolicLink(entry).toString();
                    if (target.startsWith("socket:[")) {
                        String inode = target.substring(8, target.length() - 1);
                        sockets.add("fd " + entry.getFileName() + " " + target + " " + tcp.getOrDefault(inode,
                                "(not in /proc/net/tcp*: a TCP socket already reset or closed, or not TCP)"));
                    }
                } catch (IOException vanished) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            sockets.add("cannot list " + FDS + ": " + e);
        }
        return sockets;
    }

    /**
     * The state of this host's TCP connection from {@code localPort} to {@code remotePort}, as
     * /proc/net/tcp and tcp6 show it ("ESTABLISHED", ...), or null when neither lists it: a
     * connection that a reset has moved to CLOSE leaves the tables at once.
     */
    public static String tcpState(int localPort, int remotePort) {
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && portNumber(f[1]) == localPort && portNumber(f[2]) == remotePort) {
                        int state = Integer.parseInt(f[3], 16);
                        return state < TCP_STATES.length ? TCP_STATES[state] : "state " + state;
                    }
                }
            } catch (IOException e) {
                // not there
            }
        }
        return null;
    }

    private static int portNumber(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    /** "port" of a /proc/net/tcp address ("0100007F:1F90"). */
    private static String port(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : "port " + Integer.parseInt(address.substring(colon + 1), 16);
    }

    /**
     * Waits, at most {@code limit}, for the socket count to come back to {@code baseline} or
     * below, and returns the last count seen.
     */
    public static int awaitSockets(int baseline, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        int count = sockets();
        while (count > baseline && System.nanoTime() < deadline) {
            Thread.sleep(20);
            count = sockets();
        }
        return count;
    }
}
