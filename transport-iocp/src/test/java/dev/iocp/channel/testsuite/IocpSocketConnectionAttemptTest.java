package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketConnectionAttemptTest} on the Iocp client channel. The two tests that need
 * an address connection attempts hang on use a local {@link BlackHole} instead of Netty's
 * 198.51.100.254, which only hangs on some networks (it connects in this sandbox and is refused
 * where it is unroutable), and check more than upstream: the connect timeout must fail the
 * connect with {@link ConnectTimeoutException} no sooner than configured and close the channel;
 * a cancelled connect must close it.
 */
@IocpTestsuite
public class IocpSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.iocpClientSocket();
    }

    @Override
    public void testConnectTimeout(Bootstrap cb) throws Throwable {
        try (BlackHole hole = new BlackHole()) {
            cb.handler(new ChannelInboundHandlerAdapter()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000);
            long start = System.nanoTime();
            ChannelFuture future = cb.connect(hole.address());
            try {
                assertTrue(future.await(5000), "a connect with a 1 s timeout was still pending after 5 s");
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertInstanceOf(ConnectTimeoutException.class, future.cause());
                assertTrue(tookMillis >= 900, "the connect timed out after " + tookMillis + " ms, not 1000");
                assertTrue(future.channel().closeFuture().await(1000), "a timed-out connect must close the channel");
            } finally {
                future.channel().close().syncUninterruptibly();
            }
        }
    }

    /** Upstream skips this unless 198.51.100.254 hangs; with the local black hole it always runs. */
    @Test
    @Timeout(30)
    @Override
    public void testConnectCancellation(TestInfo testInfo) throws Throwable {
        run(testInfo, cb -> testConnectCancellation(cb));
    }

    @Override
    public void testConnectCancellation(Bootstrap cb) throws Throwable {
        try (BlackHole hole = new BlackHole()) {
            cb.handler(new ChannelInboundHandlerAdapter()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 4000);
            ChannelFuture future = cb.connect(hole.address());
            try {
                assertFalse(future.await(500), () -> "a connect to a full accept queue completed: " + future.cause());
                assertTrue(future.cancel(true), "the pending connect could not be cancelled");
                assertTrue(future.channel().closeFuture().await(1000), "cancelling the connect must close the channel");
                assertTrue(future.isCancelled());
            } finally {
                future.channel().close().syncUninterruptibly();
            }
        }
    }
}
