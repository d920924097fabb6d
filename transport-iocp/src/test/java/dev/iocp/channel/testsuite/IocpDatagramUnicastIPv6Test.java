package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;

import java.util.List;

/** Netty's {@link DatagramUnicastIPv6Test} (IPv6 sockets on ::1) on {@link IocpSocketTestPermutation#datagram}. */
@IocpTestsuite
public class IocpDatagramUnicastIPv6Test extends DatagramUnicastIPv6Test {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
