package dev.iocp.smoke;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * One request to a running example server, checked: what "it works" means for each. A probe
 * returns what it saw when it worked and throws {@link AssertionError} saying what was wrong.
 */
final class Probes {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Probes() {
    }

    /** GET / answers 200 {@code Hello, World!}. */
    static String helloWorld(String host, int port) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(host, port, "/", null);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        check(response.statusCode() == 200 && body.equals("Hello, World!"),
                "GET / answered " + response.statusCode() + " '" + body + "', not 200 'Hello, World!'");
        return "GET / -> 200 Hello, World!";
    }

    /**
     * A file of the served folder comes back whole, byte for byte, and its first ten bytes as a
     * 206 to {@code Range: bytes=0-9}.
     */
    static String fileServer(String host, int port, Path folder) throws IOException, InterruptedException {
        Path file;
        try (Stream<Path> files = Files.list(folder)) {
            file = files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("[A-Za-z0-9._-]+"))
                    .min(Comparator.naturalOrder())
                    .orElseThrow(() -> new AssertionError("no file in " + folder + " to ask the file server for"));
        }
        byte[] expected = Files.readAllBytes(file);
        String path = "/" + file.getFileName();
        HttpResponse<byte[]> whole = get(host, port, path, null);
        check(whole.statusCode() == 200 && Arrays.equals(whole.body(), expected),
                "GET " + path + " answered " + whole.statusCode() + " with " + whole.body().length
                        + " bytes, not 200 with the " + expected.length + " bytes of " + file);
        HttpResponse<byte[]> part = get(host, port, path, "bytes=0-9");
        check(part.statusCode() == 206 && Arrays.equals(part.body(), Arrays.copyOf(expected, 10)),
                "GET " + path + " with Range: bytes=0-9 answered " + part.statusCode() + " with "
                        + part.body().length + " bytes, not 206 with its first 10");
        return "GET " + path + " -> 200, " + expected.length + " bytes as in " + folder.getFileName()
                + "/; Range: bytes=0-9 -> 206";
    }

    /** 64 KiB sent over TCP come back intact. */
    static String tcpEcho(String host, int port) throws IOException {
        byte[] sent = new byte[64 * 1024];
        new SplittableRandom(port).nextBytes(sent);
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            // Written from another thread: the echo comes back while we still send.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    socket.getOutputStream().write(sent);
                    socket.shutdownOutput();
                } catch (IOException ignored) {
                    // The read below fails or comes back short, and says so.
                }
            });
            InputStream in = socket.getInputStream();
            byte[] received = in.readNBytes(sent.length);
            writer.join(TIMEOUT);
            check(Arrays.equals(sent, received), "sent " + sent.length + " bytes, " + received.length
                    + " came back" + (received.length == sent.length ? " but different" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return "64 KiB over TCP echoed intact";
    }

    /**
     * One datagram comes back as sent within {@code wait}. Also the readiness test of a UDP
     * server: nothing tells from outside that it has bound its port but an answer.
     */
    static boolean udpEcho(String host, int port, Duration wait) throws IOException {
        byte[] sent = ("smoke test datagram " + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) wait.toMillis());
            socket.send(new DatagramPacket(sent, sent.length, new InetSocketAddress(host, port)));
            DatagramPacket reply = new DatagramPacket(new byte[sent.length + 1], sent.length + 1);
            socket.receive(reply);
            return Arrays.equals(sent, Arrays.copyOf(reply.getData(), reply.getLength()));
        } catch (SocketTimeoutException | java.net.PortUnreachableException noAnswer) {
            return false;
        }
    }

    private static HttpResponse<byte[]> get(String host, int port, String path, String range)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(TIMEOUT);
        if (range != null) {
            request.header("Range", range);
        }
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }

    private static void check(boolean ok, String otherwise) {
        if (!ok) {
            throw new AssertionError(otherwise);
        }
    }
}
