package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramConnectedWriteExceptionTest;

import java.util.List;

/** Netty's {@link DatagramConnectedWriteExceptionTest} (ICMP port unreachable failing a connected channel's write) on the Iocp datagram channel alone. */
@IocpTestsuite
public class IocpDatagramConnectedWriteExceptionTest extends DatagramConnectedWriteExceptionTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
