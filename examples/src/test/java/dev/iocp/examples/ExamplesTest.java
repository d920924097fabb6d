package dev.iocp.examples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link Examples}, the one entry point: finding a program by name, and the {@code --backend} option. */
class ExamplesTest {

    @Test
    void findsEveryProgramByNameInAnyCase() {
        for (String name : new String[] {"HttpHelloWorldServer", "httpstaticfileserver", "EchoServer", "ECHOCLIENT",
                "UdpEchoServer", "UdpEchoClient", "PortEcho"}) {
            assertNotNull(Examples.find(name), name);
        }
        assertNull(Examples.find("EchoServers"));
        assertNull(Examples.find("Examples"));
    }

    @Test
    void backendOptionBecomesTheSystemPropertyAndLeavesTheRest() {
        String previous = System.getProperty("dev.iocp.backend");
        try {
            String[] rest = Examples.withoutBackend(new String[] {"--port", "9000", "--backend", "nio", "--transport", "iocp"});
            assertArrayEquals(new String[] {"--port", "9000", "--transport", "iocp"}, rest);
            assertEquals("nio", System.getProperty("dev.iocp.backend"));
            String[] untouched = {"--port", "9000"};
            assertArrayEquals(untouched, Examples.withoutBackend(untouched));
        } finally {
            if (previous == null) {
                System.clearProperty("dev.iocp.backend");
            } else {
                System.setProperty("dev.iocp.backend", previous);
            }
        }
    }
}
