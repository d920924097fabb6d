package dev.iocp.benchmarks.compare;

import io.netty.channel.EventLoopGroup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The server's control channel: a plain JDK TCP socket on loopback, served by its own platform
 * thread, so that asking for counters never runs on (or wakes) the event loop being measured. One
 * client, the orchestrator, connects once and sends one command per line; each reply is one line,
 * except {@code transport-metrics}, whose lines end with {@code end}. Only {@code gc}, asked for
 * between measured intervals, never during one, has the event loops run a few empty tasks first
 * ({@link FullGc}).
 *
 * <pre>
 * stats                       ok allocated_bytes=… heap_used=… … (ServerCounters)
 * gc                          the same after full collections (FullGc): heap_used is then the live heap
 * await-connections N MILLIS  ok connections=N, or timeout connections=M after MILLIS
 * transport-metrics           key=value lines from the transport, then end (TransportMetrics)
 * shutdown                    ok; the server then stops
 * </pre>
 *
 * <p>When the orchestrator's connection ends, for whatever reason, the server stops too: a
 * server left behind by a killed orchestrator would keep a CPU busy under the next measurement.
 */
final class ControlChannel {
    private final ServerSocket listener;
    private final OpenConnections connections;
    private final ComparedTransport transport;
    private final EventLoopGroup group;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;

    ControlChannel(OpenConnections connections, ComparedTransport transport, EventLoopGroup group) throws IOException {
        this.connections = connections;
        this.transport = transport;
        this.group = group;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.thread = Thread.ofPlatform().name("compare-control").daemon().unstarted(this::serve);
    }

    int port() {
        return listener.getLocalPort();
    }

    void start() {
        thread.start();
    }

    /** Waits for {@code shutdown}, or for the orchestrator to go away. */
    void awaitDone() throws InterruptedException {
        done.await();
    }

    private void serve() {
        try (ServerSocket _ = listener;
             Socket client = listener.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII))) {
            String command;
            while ((command = in.readLine()) != null) {
                boolean stop = answer(command.trim(), out);
                out.flush();
                if (stop) {
                    break;
                }
            }
        } catch (IOException e) {
            System.err.println("control channel failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.countDown();
        }
    }

    /** Writes the reply to {@code command}; whether the server is to stop. */
    private boolean answer(String command, PrintWriter out) throws InterruptedException {
        String[] words = command.split("\\s+");
        switch (words[0]) {
            case "stats" -> out.println("ok " + ServerCounters.take(thread, connections).line());
            case "gc" -> {
                FullGc.collect(group);
                out.println("ok " + ServerCounters.take(thread, connections).line());
            }
            case "await-connections" -> {
                if (words.length != 3) {
                    out.println("error usage: await-connections COUNT MILLIS");
                    break;
                }
                int wanted = Integer.parseInt(words[1]);
                int now = connections.await(wanted, Long.parseLong(words[2]));
                out.println((now == wanted ? "ok" : "timeout") + " connections=" + now);
            }
            case "transport-metrics" -> {
                TransportMetrics.lines(transport, group).forEach(out::println);
                out.println("end");
            }
            case "shutdown" -> {
                out.println("ok");
                return true;
            }
            default -> out.println("error unknown command '" + command
                    + "'; commands: stats, gc, await-connections COUNT MILLIS, transport-metrics, shutdown");
        }
        return false;
    }
}
