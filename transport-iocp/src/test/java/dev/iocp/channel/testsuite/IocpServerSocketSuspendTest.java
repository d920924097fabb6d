package dev.iocp.channel.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;

import java.util.List;

/**
 * Netty's {@link ServerSocketSuspendTest} on the Iocp server channel. Its only test is
 * {@code @Disabled} upstream and stays so: on Linux it fails for NIO as well (with the accept
 * queue full the kernel drops SYNs, and the suite's 10 s client connect times out).
 */
@IocpTestsuite
public class IocpServerSocketSuspendTest extends ServerSocketSuspendTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.iocpServerSocket();
    }
}
