package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketEchoTest;

import java.util.List;

/** Netty's {@link SocketEchoTest} on {@link IocpSocketTestPermutation#zeroCopySocket()}: every send zero-copy. */
@IocpTestsuite
public class IocpSocketZeroCopyEchoTest extends SocketEchoTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.zeroCopySocket();
    }
}
