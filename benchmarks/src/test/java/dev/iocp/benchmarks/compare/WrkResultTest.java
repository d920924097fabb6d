package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WrkResultTest {

    @Test
    void parsesTotalsErrorsAndStatuses() {
        String output = """
                Running 10s test @ http://127.0.0.1:40000/
                  1 threads and 64 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency   590.00us  100.00us   2.00ms   70.00%
                    Req/Sec   108.00k     5.00k  115.00k    80.00%
                  1080000 requests in 10.00s, 120.00MB read
                  Socket errors: connect 1, read 2, write 3, timeout 4
                  Non-2xx or 3xx responses: 12
                Requests/sec: 108000.00
                Transfer/sec:     12.00MB
                """;
        WrkResult result = WrkResult.parse(output);
        assertEquals(1_080_000, result.requests());
        assertEquals(10.0, result.seconds(), 1e-9);
        assertEquals(10, result.socketErrors());
        assertEquals(12, result.non2xx());
        assertEquals(108_000.0, result.requestsPerSecond(), 1e-6);
    }

    @Test
    void aCleanRunHasNoErrors() {
        WrkResult result = WrkResult.parse("  500 requests in 2.00s, 60.00KB read\nRequests/sec: 250.00\n");
        assertEquals(0, result.socketErrors());
        assertEquals(0, result.non2xx());
    }

    @Test
    void durationsInMinutesAndMillisecondsAreConverted() {
        assertEquals(90.0, WrkResult.parse("100 requests in 1.50m, 1KB read").seconds(), 1e-9);
        assertEquals(0.5, WrkResult.parse("100 requests in 500.00ms, 1KB read").seconds(), 1e-9);
    }

    @Test
    void outputWithoutATotalIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WrkResult.parse("unable to connect to 127.0.0.1:1 Connection refused"));
        assertEquals(true, e.getMessage().contains("Connection refused"));
    }
}
