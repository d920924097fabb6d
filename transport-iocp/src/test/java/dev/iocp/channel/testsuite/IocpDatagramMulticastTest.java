package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;

import java.util.List;

/** Netty's {@link DatagramMulticastTest} (IPv4 groups) on {@link IocpSocketTestPermutation#datagram}. */
@IocpTestsuite
public class IocpDatagramMulticastTest extends DatagramMulticastTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
