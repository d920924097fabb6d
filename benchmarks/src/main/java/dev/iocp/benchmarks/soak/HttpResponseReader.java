package dev.iocp.benchmarks.soak;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HTTP/1.1 responses off a keep-alive connection, one after another. Just enough of
 * HTTP for the soak server's answers (a status line, headers, a {@code Content-Length} body);
 * anything else is a failure of the exchange, which is what the soak looks for.
 */
final class HttpResponseReader {
    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_BODY = 64 * 1024;

    private final InputStream in;

    HttpResponseReader(InputStream in) {
        this.in = new BufferedInputStream(in, 16 * 1024);
    }

    /** A response; header names in lower case. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    Response next() throws IOException, VerificationFailure {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new VerificationFailure("short", "connection closed where a response was due");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new VerificationFailure("http", "bad status line '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(); ; line = readLine()) {
            if (line == null) {
                throw new VerificationFailure("short", "connection closed inside the headers");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new VerificationFailure("http", "bad header line '" + line + "'");
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        if (length == null || Integer.parseInt(length) > MAX_BODY) {
            throw new VerificationFailure("http", "content-length missing or too large: " + length);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        if (body.length < Integer.parseInt(length)) {
            throw new VerificationFailure("short", "connection closed inside a body");
        }
        return new Response(status, headers, body);
    }

    /** Whether the server closed the connection here, with nothing more sent. */
    boolean atEndOfStream() throws IOException {
        return in.read() == -1;
    }

    /** A CRLF-terminated line without its terminator; {@code null} at the end of the stream before any byte. */
    private String readLine() throws IOException, VerificationFailure {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new VerificationFailure("short", "connection closed inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_LINE) {
                throw new VerificationFailure("http", "line longer than " + MAX_LINE + " B");
            }
            line.write(b);
        }
    }
}
