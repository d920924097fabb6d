package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;

import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of an {@link IocpServerSocketChannel}: backlog, SO_RCVBUF (inherited by
 * accepted sockets), SO_REUSEADDR, and the listener's {@link IocpChannelOption}s, as
 * {@code EpollServerSocketChannelConfig} has them: SO_REUSEPORT, TCP_FASTOPEN, TCP_DEFER_ACCEPT,
 * IP_FREEBIND, IP_TRANSPARENT.
 */
public final class IocpServerSocketChannelConfig extends DefaultChannelConfig implements ServerSocketChannelConfig {
    private static final Set<ChannelOption<?>> SOCKET_OPTIONS = Set.of(ChannelOption.SO_RCVBUF,
            ChannelOption.SO_REUSEADDR, IocpChannelOption.SO_REUSEPORT, IocpChannelOption.TCP_FASTOPEN,
            IocpChannelOption.TCP_DEFER_ACCEPT, IocpChannelOption.IP_FREEBIND, IocpChannelOption.IP_TRANSPARENT);

    private final PortSocket socket;
    private volatile int backlog = NetUtil.SOMAXCONN;

    IocpServerSocketChannelConfig(IocpServerSocketChannel channel, PortSocket socket) {
        // As NIO's server channels: maxMessagesPerRead bounds an accept batch, bytes do not count.
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.socket = socket;
        // As NioServerSocketChannel: a restarted server can bind while old connections linger.
        setReuseAddress(true);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = new HashMap<>(
                getOptions(super.getOptions(), SOCKET_OPTIONS.stream().filter(this::supported).toArray(ChannelOption<?>[]::new)));
        options.put(ChannelOption.SO_BACKLOG, backlog);
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.SO_BACKLOG) {
            return (T) Integer.valueOf(backlog);
        }
        if (SOCKET_OPTIONS.contains(option)) {
            // null, as for an option Netty does not know, where the backend cannot set it
            return supported(option) ? SocketOptionAccess.get(socket, SocketOptionAccess.socketOption(option)) : null;
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == ChannelOption.SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (SOCKET_OPTIONS.contains(option)) {
            if (!supported(option)) {
                return false; // reported as Netty reports an unknown option (e.g. TCP_USER_TIMEOUT on nio)
            }
            SocketOptionAccess.set(socket, SocketOptionAccess.socketOption(option), value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public IocpServerSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative: " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public IocpServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_REUSEADDR, reuseAddress);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public IocpServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IocpServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    protected void autoReadCleared() {
        ((IocpServerSocketChannel) channel).autoReadCleared();
    }

    /** Whether the socket's backend can set this option. */
    private boolean supported(ChannelOption<?> option) {
        return socket.supportedOptions().contains(SocketOptionAccess.socketOption(option));
    }
}
