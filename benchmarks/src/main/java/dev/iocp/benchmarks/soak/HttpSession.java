package dev.iocp.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One keep-alive HTTP connection: requests in pipelined batches of 1 to 8, some of them POSTs
 * with a random body, each response checked (status, body, the request's own sequence header
 * echoed, the CRC-32 of the body as the server received it).
 *
 * <p>Ended either politely (the last request says {@code Connection: close}, and the server
 * must then close) or by a reset: the batch holding the fatal request is sent only up to a
 * random cut (often in the middle of a request), the responses due before it are checked, and
 * the connection is reset while the server may still be reading or answering.
 */
final class HttpSession {
    private static final int MAX_REQUESTS = 48;
    private static final int MAX_PIPELINE = 8;
    private static final byte[] HELLO = SoakHttp.BODY;

    private HttpSession() {
    }

    static void run(InetSocketAddress address, SplittableRandom random, boolean reset, DriverTally tally)
            throws IOException, VerificationFailure {
        int requests = 1 + random.nextInt(MAX_REQUESTS);
        // With a reset: how many responses are checked before it.
        int answeredBeforeReset = reset ? random.nextInt(requests) : requests;
        try (Socket socket = ClientSockets.connect(address)) {
            HttpResponseReader responses = new HttpResponseReader(socket.getInputStream());
            int sent = 0;
            while (sent < requests) {
                int batchSize = Math.min(requests - sent, 1 + random.nextInt(MAX_PIPELINE));
                Batch batch = new Batch(batchSize);
                for (int i = 0; i < batchSize; i++) {
                    boolean last = sent + i == requests - 1;
                    batch.add(i, random, last && !reset);
                }
                int fatal = answeredBeforeReset - sent; // index of the fatal request in this batch
                if (fatal < batchSize) {
                    int from = batch.starts[fatal];
                    socket.getOutputStream().write(batch.wire(), 0, from + random.nextInt(batch.length() - from + 1));
                    checkResponses(responses, batch, fatal, tally);
                    ClientSockets.reset(socket);
                    return;
                }
                socket.getOutputStream().write(batch.wire());
                checkResponses(responses, batch, batchSize, tally);
                sent += batchSize;
            }
            if (!responses.atEndOfStream()) {
                throw new VerificationFailure("http", "no close after a 'Connection: close' request");
            }
        }
    }

    private static void checkResponses(HttpResponseReader responses, Batch batch, int count, DriverTally tally)
            throws IOException, VerificationFailure {
        for (int i = 0; i < count; i++) {
            HttpResponseReader.Response response = responses.next();
            String sequence = response.headers().get(SoakHttp.SEQUENCE);
            String crc = response.headers().get(SoakHttp.BODY_CRC);
            if (response.status() != 200 || !Arrays.equals(response.body(), HELLO)
                    || !batch.sequences[i].equals(sequence) || !batch.crcs[i].equals(crc)) {
                throw new VerificationFailure("http", "response " + response.status() + " seq=" + sequence
                        + " crc=" + crc + " body=" + new String(response.body(), StandardCharsets.ISO_8859_1)
                        + " for request seq=" + batch.sequences[i] + " crc=" + batch.crcs[i]);
            }
            tally.httpVerified();
        }
    }

    /** The bytes of a pipelined batch of requests, and what each response must say. */
    private static final class Batch {
        private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        private final int[] starts;
        private final String[] sequences;
        private final String[] crcs;

        Batch(int size) {
            starts = new int[size];
            sequences = new String[size];
            crcs = new String[size];
        }

        void add(int index, SplittableRandom random, boolean close) {
            starts[index] = wire.size();
            // Random, so that a response meant for another request or connection does not match.
            sequences[index] = Long.toHexString(random.nextLong());
            byte[] body = random.nextInt(4) == 0 ? randomBody(random) : new byte[0];
            CRC32 crc = new CRC32();
            crc.update(body);
            crcs[index] = Long.toHexString(crc.getValue());
            StringBuilder head = new StringBuilder(body.length > 0 ? "POST /upload" : "GET /hello")
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .append(SoakHttp.SEQUENCE).append(": ").append(sequences[index]).append("\r\n");
            if (body.length > 0) {
                head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            if (close) {
                head.append("Connection: close\r\n");
            }
            wire.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            wire.writeBytes(body);
        }

        private static byte[] randomBody(SplittableRandom random) {
            byte[] body = new byte[1 + random.nextInt(SoakHttp.MAX_BODY)];
            random.nextBytes(body);
            return body;
        }

        byte[] wire() {
            return wire.toByteArray();
        }

        int length() {
            return wire.size();
        }
    }
}
