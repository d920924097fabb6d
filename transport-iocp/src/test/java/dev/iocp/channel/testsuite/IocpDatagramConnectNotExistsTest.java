package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

/** Netty's {@link DatagramConnectNotExistsTest} (ICMP port unreachable on a connected channel's read) on the Iocp datagram channel alone. */
@IocpTestsuite
public class IocpDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
