package dev.iocp.benchmarks.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The orchestrator's end of a server's {@link ControlChannel}: one command, one reply. */
final class ControlClient implements AutoCloseable {
    /** A reply slower than this means the server is wedged; the run fails rather than hangs. */
    private static final int REPLY_TIMEOUT_MILLIS = 120_000;

    private final Socket socket;
    private final BufferedReader in;
    private final PrintWriter out;

    ControlClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        try {
            socket.connect(address, REPLY_TIMEOUT_MILLIS);
            socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The server's counters now. */
    ServerCounters stats() throws IOException {
        return ServerCounters.parse(ok(ask("stats")));
    }

    /** The server's counters once full collections have settled the heap ({@link FullGc}). */
    ServerCounters gc() throws IOException {
        return ServerCounters.parse(ok(ask("gc")));
    }

    /** Waits (on the server) until {@code count} connections are active; the count at the end. */
    long awaitConnections(int count, long timeoutMillis) throws IOException {
        String reply = ask("await-connections " + count + " " + timeoutMillis);
        if (reply.startsWith("error")) {
            throw new IOException("server: " + reply);
        }
        return KeyValues.longValue(KeyValues.parse(reply), "connections", reply);
    }

    /** The transport's own metrics, one key=value line each (none yet: {@link TransportMetrics}). */
    List<String> transportMetrics() throws IOException {
        List<String> lines = new ArrayList<>();
        String line = ask("transport-metrics");
        while (!line.equals("end")) {
            lines.add(line);
            line = readLine();
        }
        return lines;
    }

    /** Tells the server to stop. */
    void shutdown() throws IOException {
        ok(ask("shutdown"));
    }

    private String ask(String command) throws IOException {
        out.println(command);
        out.flush();
        return readLine();
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the server closed its control channel");
        }
        return line;
    }

    private static String ok(String reply) throws IOException {
        if (!reply.startsWith("ok")) {
            throw new IOException("server: " + reply);
        }
        return reply;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
