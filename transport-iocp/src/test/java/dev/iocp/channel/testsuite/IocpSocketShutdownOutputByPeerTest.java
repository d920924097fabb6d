package dev.iocp.channel.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputByPeerTest}: the Iocp server's accepted channel sees its peer, a
 * plain {@link java.net.Socket} (the suite's own implementation of the abstract socket hooks of
 * {@code AbstractSocketShutdownOutputByPeerTest}), shut down its output, and must report input
 * shutdown (half-closure allowed) or close (not allowed).
 */
@IocpTestsuite
public class IocpSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.iocpServerSocket();
    }
}
