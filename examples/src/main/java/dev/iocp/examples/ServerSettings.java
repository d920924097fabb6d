package dev.iocp.examples;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What every example server takes from its command line: the transport and the address to
 * listen on. Loopback is the default address because these servers are demonstrations (the
 * file server would otherwise publish the current directory to the network); {@code --host
 * 0.0.0.0} opens them up.
 */
record ServerSettings(Transport transport, InetSocketAddress address) {
    /** The options every server accepts. */
    static final List<String> OPTIONS = List.of(CommandLine.TRANSPORT, CommandLine.HOST, CommandLine.PORT);

    /** The usage text of those options. */
    static final String USAGE = "[--transport " + Transport.allowedNames().replace(", ", "|")
            + "] [--host ADDRESS] [--port N]";

    static ServerSettings from(CommandLine commandLine, int defaultPort) {
        return new ServerSettings(commandLine.transport(),
                new InetSocketAddress(commandLine.host(), commandLine.port(defaultPort)));
    }
}
