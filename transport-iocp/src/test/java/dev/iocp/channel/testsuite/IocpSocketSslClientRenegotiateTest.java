package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;

import java.util.List;

/** Netty's {@link SocketSslClientRenegotiateTest} on {@link IocpSocketTestPermutation#socket()}. */
@IocpTestsuite
public class IocpSocketSslClientRenegotiateTest extends SocketSslClientRenegotiateTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }
}
