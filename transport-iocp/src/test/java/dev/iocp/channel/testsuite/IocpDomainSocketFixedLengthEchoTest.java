package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketFixedLengthEchoTest;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketFixedLengthEchoTest} over Unix-domain sockets, on
 * {@link IocpDomainSocketTestPermutation#domainSocket()}, as Netty runs it on epoll's domain
 * channels.
 */
@IocpTestsuite
public class IocpDomainSocketFixedLengthEchoTest extends SocketFixedLengthEchoTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return IocpDomainSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpDomainSocketTestPermutation.INSTANCE.domainSocket();
    }
}
