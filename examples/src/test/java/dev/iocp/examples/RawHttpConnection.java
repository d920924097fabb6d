package dev.iocp.examples;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain {@link Socket}, for what {@code java.net.http.HttpClient}
 * will not do: send malformed or pipelined requests byte for byte, and see exactly when the
 * server closes the connection. Understands only responses with a {@code Content-Length}, which
 * is all the example servers send (a 304's is the length a 200 would have had: it has no body).
 */
final class RawHttpConnection implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final Closeable connection;
    private final InputStream in;
    private final OutputStream out;

    RawHttpConnection(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(TIMEOUT_MILLIS); // a server that never answers fails the test, not hangs it
        connection = socket;
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /**
     * A connection to a server on a Unix-domain socket. A JDK {@link SocketChannel} has no read
     * timeout: the test's {@code @Timeout} interrupts a read that waits too long, which closes it.
     */
    RawHttpConnection(UnixDomainSocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open(address);
        connection = channel;
        in = Channels.newInputStream(channel);
        out = Channels.newOutputStream(channel);
    }

    /** A response as read off the wire; header names in lower case. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code text} as ISO-8859-1 bytes, as HTTP/1.1 headers are. */
    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response to a GET (or any request whose response has a body). */
    Response read() throws IOException {
        return read(false);
    }

    /** Reads one response to a HEAD: headers only, whatever the Content-Length says. */
    Response readHead() throws IOException {
        return read(true);
    }

    private Response read(boolean head) throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("response without Content-Length: " + statusLine + " " + headers);
        }
        boolean bodyless = head || status == 304;
        byte[] body = bodyless ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (body.length != (bodyless ? 0 : Integer.parseInt(length))) {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return new Response(status, headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed mid-line after '" + line + "'");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Whether the server has closed the connection: end of stream (or a reset) arrives with no
     * further bytes before it. Waits up to the socket's timeout for it.
     */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
