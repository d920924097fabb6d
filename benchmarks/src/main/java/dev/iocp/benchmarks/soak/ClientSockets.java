package dev.iocp.benchmarks.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** How the soak's clients open and kill their connections. */
final class ClientSockets {
    /**
     * A read that waits this long means the server stopped answering: a lost message. Generous,
     * because the soak shares two cores with everything else.
     */
    static final int READ_TIMEOUT_MILLIS = 20_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private ClientSockets() {
    }

    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Closes abruptly: with a zero linger time the kernel drops what is unsent and sends a RST
     * instead of a FIN, as when a client crashes or a middlebox gives up on the connection.
     */
    static void reset(Socket socket) throws IOException {
        if (!socket.isClosed()) {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }
}
