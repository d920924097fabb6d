package dev.iocp.channel.testsuite;

import dev.iocp.channel.Iocp;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketHalfClosedTest} over Unix-domain sockets, on
 * {@link IocpDomainSocketTestPermutation#domainSocket()} (Netty runs this suite over TCP only).
 * What {@link IocpSocketHalfClosedTest} disables or skips over TCP is disabled or skipped here for
 * the same reasons, which do not depend on the address family; one more test is TCP's alone.
 */
@IocpTestsuite
public class IocpDomainSocketHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected SocketAddress newSocketAddress() {
        return IocpDomainSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpDomainSocketTestPermutation.INSTANCE.domainSocket();
    }

    @Test
    @Override
    public void testAllDataReadEventTriggeredAfterHalfClosure(TestInfo testInfo) throws Throwable {
        Assumptions.assumeFalse("nio".equals(Iocp.backendName()), "the nio backend cannot notice the peer's "
                + "half-closure without reading (java.nio cannot tell a FIN from data), as over TCP");
        super.testAllDataReadEventTriggeredAfterHalfClosure(testInfo);
    }

    @Disabled("blocks its event loop until the peer has read data that a completion-based transport only sends "
            + "once the loop enters the ring again (disabled for Netty's io_uring transport too)")
    @Test
    @Override
    public void testAutoCloseFalseDoesShutdownOutput(TestInfo testInfo) throws Throwable {
        super.testAutoCloseFalseDoesShutdownOutput(testInfo);
    }

    @Disabled("TCP's alone: its server handler casts the accepted channel to io.netty.channel.socket.SocketChannel "
            + "(a domain channel is a DuplexChannel) to test a FIN_WAIT2 state with SO_LINGER")
    @Test
    @Override
    public void testHalfClosureReceiveDataOnFinalWait2StateWhenSoLingerSet(TestInfo testInfo) throws Throwable {
        super.testHalfClosureReceiveDataOnFinalWait2StateWhenSoLingerSet(testInfo);
    }
}
