package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.LinuxAbstractSocketAddress;
import dev.iocp.port.PeerCredentials;
import dev.iocp.port.PortException;
import dev.iocp.port.PortSocket;
import dev.iocp.port.UnixDomainSocketContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix-domain sockets on io_uring, which also has Linux's abstract namespace and SO_PEERCRED. */
class IoUringUnixDomainSocketTest extends UnixDomainSocketContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    private static LinuxAbstractSocketAddress uniqueAbstractName(String what) {
        return LinuxAbstractSocketAddress.of("dev.iocp.test/" + what + "/" + ProcessHandle.current().pid() + "/" + System.nanoTime());
    }

    @Test
    void anAbstractNameIsListenedOnAndConnectedToWithoutAFile() throws IOException {
        LinuxAbstractSocketAddress name = uniqueAbstractName("abstract");
        PortSocket listener = listener(name);
        Pair pair = connect(listener, StandardProtocolFamily.UNIX, name);
        assertEquals(name, listener.localAddress());
        assertEquals(name, pair.client().remoteAddress());
        assertEquals(name, pair.server().localAddress());
        transfer(pair.client(), pair.server(), "no file involved");
        try (var files = Files.list(directory)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void abstractNamesAreComparedByEveryByteNulsIncluded() throws IOException {
        LinuxAbstractSocketAddress name = LinuxAbstractSocketAddress.of(
                ("dev.iocp.test\0" + System.nanoTime() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        PortSocket listener = listener(name);
        assertEquals(name, listener.localAddress(), "the trailing NUL is part of the name");
        Pair pair = connect(listener, StandardProtocolFamily.UNIX, name);
        assertEquals(name, pair.client().remoteAddress());
    }

    @Test
    void aSocketBoundToTheEmptyPathGetsAnAbstractNameFromTheKernel() throws IOException {
        PortSocket listener = backend().openSocket(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of("")); // autobind (unix(7)): five hex digits, abstract
        LinuxAbstractSocketAddress name = assertInstanceOf(LinuxAbstractSocketAddress.class, listener.localAddress());
        assertEquals(5, name.length(), name.toString());
        listener.close();
    }

    @Test
    void aPathLongerThanSunPathIsRefusedBeforeAnythingIsSubmitted() throws IOException {
        Path tooLong = directory.resolve("x".repeat(120));
        PortSocket client = open(StandardProtocolFamily.UNIX, 1);
        IllegalArgumentException bind = assertThrows(IllegalArgumentException.class,
                () -> client.bind(UnixDomainSocketAddress.of(tooLong)));
        assertTrue(bind.getMessage().startsWith("a Unix-domain socket path has at most 107 bytes, not "), bind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> port.submitConnect(client, UnixDomainSocketAddress.of(tooLong)));
        assertEquals(0, client.pendingOperations());
        assertThrows(IllegalArgumentException.class, () -> LinuxAbstractSocketAddress.of("y".repeat(108)));
    }

    @Test
    void peerCredentialsNameTheProcessAtTheOtherEnd() throws IOException {
        UnixDomainSocketAddress address = path("creds.sock");
        Pair pair = connect(listener(address), StandardProtocolFamily.UNIX, address);
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        for (PortSocket end : new PortSocket[] {pair.client(), pair.server()}) {
            PeerCredentials credentials = end.peerCredentials();
            assertEquals(ProcessHandle.current().pid(), credentials.pid());
            assertEquals(uid, credentials.uid());
        }
    }

    @Test
    void aSocketWithoutAPeerHasNoPeerCredentials() throws IOException {
        PortSocket listener = listener(path("alone.sock"));
        PortException listening = assertThrows(PortException.class, listener::peerCredentials);
        assertEquals("ENOTCONN", listening.errnoName());
        PortSocket unconnected = backend().openSocket(StandardProtocolFamily.UNIX);
        assertEquals("ENOTCONN", assertThrows(PortException.class, unconnected::peerCredentials).errnoName());
        unconnected.close();
    }

    @Test
    void tcpSocketsHaveNoPeerCredentials() throws IOException {
        PortSocket tcp = backend().openSocket(StandardProtocolFamily.INET);
        assertThrows(UnsupportedOperationException.class, tcp::peerCredentials);
        tcp.close();
    }
}
