package dev.iocp.smoke;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * The fixed ports the documented commands use (8080, 8081, 8007): whether one is free for a
 * server to bind, and whether a server has started listening on one.
 */
final class Ports {
    private Ports() {
    }

    /** Whether a server could bind {@code host:port} now (TIME_WAIT leftovers do not count). */
    static boolean free(Example.Protocol protocol, String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        try {
            if (protocol == Example.Protocol.UDP) {
                new DatagramSocket(address).close();
            } else {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.setReuseAddress(true); // as the servers do: a closed connection's TIME_WAIT does not block them
                    socket.bind(address);
                }
            }
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** Waits up to {@code limit} for {@code host:port} to be free; says whether it became so. */
    static boolean awaitFree(Example.Protocol protocol, String host, int port, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!free(protocol, host, port)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Whether something accepts TCP connections on {@code host:port}. */
    static boolean accepting(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
