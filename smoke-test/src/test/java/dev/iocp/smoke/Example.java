package dev.iocp.smoke;

import java.util.Locale;

/**
 * The example programs the launcher ({@code dev.iocp.examples.Examples}) knows, and what each is
 * to the smoke test: a server to probe, a client to run against its server, or a program that
 * runs to its end. Ports are the programs' defaults.
 */
enum Example {
    HTTP_HELLO_WORLD_SERVER("HttpHelloWorldServer", Role.SERVER, Protocol.TCP, 8080, null),
    HTTP_STATIC_FILE_SERVER("HttpStaticFileServer", Role.SERVER, Protocol.TCP, 8080, null),
    ECHO_SERVER("EchoServer", Role.SERVER, Protocol.TCP, 8007, null),
    ECHO_CLIENT("EchoClient", Role.CLIENT, Protocol.TCP, 8007, ECHO_SERVER),
    UDP_ECHO_SERVER("UdpEchoServer", Role.SERVER, Protocol.UDP, 8007, null),
    UDP_ECHO_CLIENT("UdpEchoClient", Role.CLIENT, Protocol.UDP, 8007, UDP_ECHO_SERVER),
    PORT_ECHO("PortEcho", Role.RUNS_TO_ITS_END, Protocol.TCP, 0, null),
    /** The launcher's {@code --help}: the list of examples. */
    LIST("--help", Role.RUNS_TO_ITS_END, Protocol.TCP, 0, null);

    enum Role { SERVER, CLIENT, RUNS_TO_ITS_END }

    enum Protocol { TCP, UDP }

    final String programName;
    final Role role;
    final Protocol protocol;
    final int defaultPort;
    /** For a client: the server it talks to. */
    final Example server;

    Example(String programName, Role role, Protocol protocol, int defaultPort, Example server) {
        this.programName = programName;
        this.role = role;
        this.protocol = protocol;
        this.defaultPort = defaultPort;
        this.server = server;
    }

    /** The program named {@code name} (ignoring case, as the launcher does); null when none is. */
    static Example named(String name) {
        for (Example example : values()) {
            if (example != LIST && example.programName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return example;
            }
        }
        return null;
    }
}
