package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketEchoTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketEchoTest} over Unix-domain sockets named in Linux's abstract namespace
 * (a Netty path starting with NUL), as Netty runs it on epoll. Skipped on the nio backend: the
 * JDK's Unix-domain channels have no abstract namespace.
 */
@IocpTestsuite
public class IocpAbstractDomainSocketEchoTest extends SocketEchoTest {
    @BeforeEach
    void abstractNamesAreSupported() {
        Assumptions.assumeTrue(IocpDomainSocketTestPermutation.supportsAbstractNames(),
                "the backend in use (the JDK's channels) has no abstract namespace");
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return IocpDomainSocketTestPermutation.newAbstractDomainSocketAddress();
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpDomainSocketTestPermutation.INSTANCE.domainSocket();
    }
}
