package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;

import java.util.List;

/** Netty's {@link DatagramMulticastIPv6Test} (IPv6 groups) on {@link IocpSocketTestPermutation#datagram}. */
@IocpTestsuite
public class IocpDatagramMulticastIPv6Test extends DatagramMulticastIPv6Test {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
