package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectTest;

import java.util.List;

/**
 * Netty's {@link SocketConnectTest} on {@link IocpSocketTestPermutation#socket()}. Neither this
 * transport nor NIO has TCP fast open, so the fast-open tests run without setting its options
 * (each would only log "Unknown channel option"); they still check that data written before the
 * connect arrives, in order, ahead of data written after it.
 */
@IocpTestsuite
public class IocpSocketConnectTest extends SocketConnectTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void enableTcpFastOpen(ServerBootstrap sb, Bootstrap cb) {
        // No TCP fast open here; see the class comment.
    }
}
