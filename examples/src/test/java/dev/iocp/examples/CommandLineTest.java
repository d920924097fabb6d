package dev.iocp.examples;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The examples' argument handling: defaults, and error messages that say what is allowed. */
class CommandLineTest {
    private static final List<String> OPTIONS = ServerSettings.OPTIONS;

    @Test
    void defaultsToIocpOnLoopback() {
        Transports.assumeAvailable(Transport.IOCP); // where it cannot run, choosing it is an error
        ServerSettings settings = ServerSettings.from(CommandLine.parse(new String[0], OPTIONS), 8080);
        assertEquals(Transport.IOCP, settings.transport());
        assertEquals("127.0.0.1", settings.address().getHostString());
        assertEquals(8080, settings.address().getPort());
    }

    @Test
    void readsTransportAndPort() {
        ServerSettings settings = ServerSettings.from(
                CommandLine.parse(new String[] {"--transport", "nio", "--port", "9000"}, OPTIONS), 8080);
        assertEquals(Transport.NIO, settings.transport());
        assertEquals(9000, settings.address().getPort());
    }

    @Test
    void unknownTransportListsTheAllowedOnes() {
        CommandLine commandLine = CommandLine.parse(new String[] {"--transport", "epoll"}, OPTIONS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, commandLine::transport);
        assertEquals("unknown transport 'epoll'; allowed: iocp, nio", e.getMessage());
    }

    @Test
    void unknownOptionListsTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--prot", "1"}, OPTIONS));
        assertEquals("unknown argument '--prot'; allowed options: --transport, --host, --port", e.getMessage());
    }

    @Test
    void badPortsAreExplained() {
        assertEquals("--port must be a whole number, not 'http'", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--port", "http"}, OPTIONS).port(80)).getMessage());
        assertEquals("--port must be between 0 and 65535, not 70000", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--port", "70000"}, OPTIONS).port(80)).getMessage());
        assertEquals("--port needs a value", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--port"}, OPTIONS)).getMessage());
    }
}
