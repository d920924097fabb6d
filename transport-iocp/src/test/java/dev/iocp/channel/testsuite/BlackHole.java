package dev.iocp.channel.testsuite;

import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A local address that TCP connection attempts hang on: a listener that never accepts and whose
 * accept queue (backlog 1) is filled first. Linux drops SYNs to a listener with a full accept
 * queue, so a connect there neither succeeds nor is refused until the client gives up.
 *
 * <p>Netty's suites use 198.51.100.254 (TEST-NET-2) for this, which depends on the network: where
 * it is unroutable the attempt is refused at once and the test skips itself, and behind a
 * transparent proxy (as in some sandboxes) the connection succeeds.
 */
final class BlackHole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> queued = new ArrayList<>();

    BlackHole() throws IOException {
        listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(NetUtil.LOCALHOST, 0), 1);
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(listener.getLocalSocketAddress(), 250);
                    queued.add(socket);
                } catch (SocketTimeoutException queueFull) {
                    socket.close();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        close();
        throw new IOException("the accept queue of " + listener.getLocalSocketAddress()
                + " did not fill up; connection attempts to it would not hang");
    }

    SocketAddress address() {
        return listener.getLocalSocketAddress();
    }

    @Override
    public void close() {
        for (Socket socket : queued) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
