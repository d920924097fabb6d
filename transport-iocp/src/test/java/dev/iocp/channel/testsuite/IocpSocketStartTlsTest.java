package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketStartTlsTest;

import java.util.List;

/** Netty's {@link SocketStartTlsTest} on {@link IocpSocketTestPermutation#socket()}. */
@IocpTestsuite
public class IocpSocketStartTlsTest extends SocketStartTlsTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }
}
