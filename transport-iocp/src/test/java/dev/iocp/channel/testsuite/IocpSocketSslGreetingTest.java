package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslGreetingTest;

import java.util.List;

/** Netty's {@link SocketSslGreetingTest} on {@link IocpSocketTestPermutation#socket()}. */
@IocpTestsuite
public class IocpSocketSslGreetingTest extends SocketSslGreetingTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }
}
