package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.CompositeBufferGatheringWriteTest;

import java.util.List;

/** Netty's {@link CompositeBufferGatheringWriteTest} on {@link IocpSocketTestPermutation#zeroCopySocket()}: every send zero-copy. */
@IocpTestsuite
public class IocpCompositeBufferZeroCopyGatheringWriteTest extends CompositeBufferGatheringWriteTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.zeroCopySocket();
    }
}
