package dev.iocp.channel.testsuite;

import dev.iocp.channel.IocpIoHandler;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;

import java.util.concurrent.Executor;

/**
 * Netty's {@link AbstractSingleThreadEventLoopTest} on a single-threaded event loop driven by
 * {@link IocpIoHandler}: registration counting, shutdown before and after start (also with a bound
 * server channel and no quiet period), and scheduling and cancelling many tasks.
 *
 * <p>The auto-scaling tests need loops that can be suspended, which Netty allows only when the
 * handler factory supports changing threads. {@link IocpIoHandler}'s does not (its port is bound
 * to the loop's thread), so they return at once, as the suite intends for such transports, until
 * the factory says otherwise.
 */
@IocpTestsuite
public class IocpEventLoopTest extends AbstractSingleThreadEventLoopTest {
    @Override
    protected EventLoopGroup newEventLoopGroup() {
        return new MultiThreadIoEventLoopGroup(1, IocpIoHandler.newFactory());
    }

    @Override
    protected EventLoopGroup newAutoScalingEventLoopGroup() {
        IoHandlerFactory factory = IocpIoHandler.newFactory();
        if (!factory.isChangingThreadSupported()) {
            return null;
        }
        return new MultiThreadIoEventLoopGroup(SCALING_MAX_THREADS, (Executor) null, AUTO_SCALING_CHOOSER_FACTORY,
                factory);
    }

    @Override
    protected Channel newChannel() {
        return new IocpSocketChannel();
    }

    @Override
    protected Class<? extends ServerChannel> serverChannelClass() {
        return IocpServerSocketChannel.class;
    }
}
