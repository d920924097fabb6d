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

import java.util.List;

/**
 * Netty's {@link SocketHalfClosedTest} on {@link IocpSocketTestPermutation#socket()}.
 *
 * <p>{@code testAutoCloseFalseDoesShutdownOutput} is disabled, as Netty disables it for its
 * io_uring transport: its "leader" handler calls {@code writeAndFlush} in {@code channelActive}
 * and then blocks its event loop until the peer has read that data. A completion-based transport
 * hands the send to the kernel when its loop next enters the ring, which the blocked loop never
 * does, so the test deadlocks by construction (the peer's loop sits idle in the ring wait, with
 * nothing sent to it), and with both ends on one loop it deadlocks on NIO too.
 *
 * <p>{@code testAllDataReadEventTriggeredAfterHalfClosure}: with auto-read off, its client has
 * no read outstanding when the peer shuts down its output, and it expects the half-closure to be
 * noticed anyway, as epoll and io_uring notice it with an always-armed POLLRDHUP. On the io_uring
 * backend the channel does the same ({@code PeerClosureWatch}). On the nio backend it is skipped,
 * as Netty's suite skips it for Netty's NIO transport: java.nio cannot tell a FIN from data without
 * reading, so the end waits for the next read() there.
 */
@IocpTestsuite
public class IocpSocketHalfClosedTest extends SocketHalfClosedTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }

    @Test
    @Override
    public void testAllDataReadEventTriggeredAfterHalfClosure(TestInfo testInfo) throws Throwable {
        Assumptions.assumeFalse("nio".equals(Iocp.backendName()), "the nio backend cannot notice the peer's "
                + "half-closure without reading (java.nio cannot tell a FIN from data), as Netty's NIO transport, "
                + "which this test skips too");
        super.testAllDataReadEventTriggeredAfterHalfClosure(testInfo);
    }

    @Disabled("blocks its event loop until the peer has read data that a completion-based transport only sends "
            + "once the loop enters the ring again (disabled for Netty's io_uring transport too)")
    @Test
    @Override
    public void testAutoCloseFalseDoesShutdownOutput(TestInfo testInfo) throws Throwable {
        super.testAutoCloseFalseDoesShutdownOutput(testInfo);
    }
}
