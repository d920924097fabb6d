package dev.iocp.benchmarks.soak;

import java.nio.charset.StandardCharsets;

/** What the soak's HTTP server and clients agree on. */
final class SoakHttp {
    /** The response body. */
    static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    /** Request header the server copies into its response: ties each response to its request. */
    static final String SEQUENCE = "x-soak-seq";
    /** Response header: the CRC-32 (hex) of the request body the server received. */
    static final String BODY_CRC = "x-soak-crc";
    /** Largest request body the clients send; the server aggregates up to twice that. */
    static final int MAX_BODY = 16 * 1024;

    private SoakHttp() {
    }
}
