package dev.iocp.channel.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's count of connections it dropped because a listener's accept queue was full
 * ({@code TcpExt: ListenDrops} in {@code /proc/net/netstat}). When churn outruns the accept
 * queue, the kernel drops the client's final ACK; a client that resets before the SYN-ACK is
 * retransmitted then had a connection the server never sees. Tests subtract these, which the
 * transport cannot accept, from the children they expect.
 */
public final class ListenDrops {
    private ListenDrops() {
    }

    /** The system-wide count so far; -1 where the kernel does not say. */
    public static long count() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                if (names[0].equals("TcpExt:")) {
                    for (int j = 1; j < names.length && j < values.length; j++) {
                        if (names[j].equals("ListenDrops")) {
                            return Long.parseLong(values[j]);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or a format this does not know
        }
        return -1;
    }
}
