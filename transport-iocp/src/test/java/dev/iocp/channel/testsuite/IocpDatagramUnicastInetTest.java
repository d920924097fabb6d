package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;

import java.util.List;

/** Netty's {@link DatagramUnicastInetTest} (IPv4) on {@link IocpSocketTestPermutation#datagram}. */
@IocpTestsuite
public class IocpDatagramUnicastInetTest extends DatagramUnicastInetTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
