package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.LinuxAbstractSocketAddress;
import dev.iocp.port.PortSocket;
import dev.iocp.port.UnixDomainSocketContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Unix-domain sockets on the nio backend: the JDK's UNIX channels, which have no abstract
 * namespace and no process in their peer credentials.
 */
class NioUnixDomainSocketTest extends UnixDomainSocketContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    @Test
    void abstractNamesAreUnsupported() throws IOException {
        LinuxAbstractSocketAddress name = LinuxAbstractSocketAddress.of("dev.iocp.test/nio");
        PortSocket socket = open(StandardProtocolFamily.UNIX, 1);
        UnsupportedOperationException bind = assertThrows(UnsupportedOperationException.class, () -> socket.bind(name));
        assertTrue(bind.getMessage().contains("no abstract namespace"), bind.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> port.submitConnect(socket, name));
        assertEquals(0, socket.pendingOperations());
    }

    @Test
    void peerCredentialsAreUnsupported() throws IOException {
        UnixDomainSocketAddress address = path("creds.sock");
        Pair pair = connect(listener(address), StandardProtocolFamily.UNIX, address);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> pair.server().peerCredentials());
        assertTrue(e.getMessage().startsWith("the nio backend cannot tell a peer's credentials"), e.getMessage());
    }
}
