package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketFileRegionTest;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketFileRegionTest} over Unix-domain sockets, on
 * {@link IocpDomainSocketTestPermutation#domainSocket()}, as Netty runs it on epoll's domain
 * channels. A file region over AF_UNIX is sent from its file as over TCP (splice on io_uring).
 */
@IocpTestsuite
public class IocpDomainSocketFileRegionTest extends SocketFileRegionTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return IocpDomainSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpDomainSocketTestPermutation.INSTANCE.domainSocket();
    }
}
