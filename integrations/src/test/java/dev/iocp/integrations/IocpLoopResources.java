package dev.iocp.integrations;

import dev.iocp.channel.IocpDatagramChannel;
import dev.iocp.channel.IocpEventLoopGroup;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Reactor Netty on transport-iocp: {@code HttpServer.create().runOn(resources)} and
 * {@code HttpClient.create().runOn(resources)} (Reactor Netty's TCP and UDP servers and clients
 * take it too; they are not tested here).
 *
 * <p>A {@link LoopResources} gives Reactor Netty both halves of a transport: the event loop
 * groups ({@link #onServerSelect}, {@link #onServer}, {@link #onClient}) and the channels
 * ({@link #onChannel}, {@link #onChannelClass}), which Reactor Netty asks for by interface
 * ({@code ServerSocketChannel}, {@code SocketChannel}; {@code DatagramChannel} for UDP and for
 * the DNS resolver Reactor Netty builds on these resources). {@code runOn(EventLoopGroup)} alone
 * is not enough: Reactor Netty's own {@code onChannel} recognises only the NIO, epoll, io_uring
 * and kqueue groups and rejects any other ("Unsupported event loop group"). Unix-domain sockets
 * are not mapped: Reactor Netty asks for Netty's {@code DomainSocketChannel} interface, which the
 * iocp domain-socket channels do not implement.
 *
 * <p>One group of {@code workers} loops serves connections and clients; accepting runs on a
 * group of one loop. The groups start with the resources, and {@link #disposeLater} shuts them
 * down gracefully.
 */
final class IocpLoopResources implements LoopResources {
    private static final Map<Class<?>, Supplier<? extends Channel>> CHANNELS = Map.of(
            ServerSocketChannel.class, IocpServerSocketChannel::new,
            SocketChannel.class, IocpSocketChannel::new,
            DatagramChannel.class, IocpDatagramChannel::new);
    private static final Map<Class<?>, Class<? extends Channel>> CHANNEL_CLASSES = Map.of(
            ServerSocketChannel.class, IocpServerSocketChannel.class,
            SocketChannel.class, IocpSocketChannel.class,
            DatagramChannel.class, IocpDatagramChannel.class);

    private final EventLoopGroup select = new IocpEventLoopGroup(1);
    private final EventLoopGroup workers;
    private final AtomicBoolean disposed = new AtomicBoolean();

    IocpLoopResources(int workers) {
        this.workers = new IocpEventLoopGroup(workers);
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return select;
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return workers;
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return workers;
    }

    @Override
    public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
        return channelType.cast(channelFor(CHANNELS, channelType).get());
    }

    @Override
    public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
        return channelFor(CHANNEL_CLASSES, channelType).asSubclass(channelType);
    }

    private static <T> T channelFor(Map<Class<?>, T> table, Class<?> channelType) {
        T found = table.get(channelType);
        if (found == null) {
            throw new IllegalArgumentException("transport-iocp has no channel for " + channelType.getName()
                    + " here (TCP and UDP only)");
        }
        return found;
    }

    @Override
    public boolean isDisposed() {
        return disposed.get();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!disposed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return Mono.when(shutDown(select, quietPeriod, timeout), shutDown(workers, quietPeriod, timeout));
        });
    }

    private static Mono<Void> shutDown(EventLoopGroup group, Duration quietPeriod, Duration timeout) {
        return Mono.create(sink -> {
            Future<?> terminated = group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS);
            terminated.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(done.cause());
                }
            });
        });
    }
}
