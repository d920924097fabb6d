package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;

/**
 * The configuration of an {@link IocpSocketChannel}: Netty's standard socket options plus the
 * {@link IocpChannelOption}s, applied to the socket directly. Options it does not know are
 * reported as Netty reports them ({@code setOption} returns false and the bootstrap logs it).
 */
public final class IocpSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    private static final Set<ChannelOption<?>> SOCKET_OPTIONS = Set.of(ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF,
            ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE, ChannelOption.SO_REUSEADDR, ChannelOption.SO_LINGER,
            ChannelOption.IP_TOS, IocpChannelOption.SO_REUSEPORT, IocpChannelOption.TCP_USER_TIMEOUT,
            IocpChannelOption.TCP_KEEPIDLE, IocpChannelOption.TCP_KEEPINTVL, IocpChannelOption.TCP_KEEPCNT,
            IocpChannelOption.TCP_FASTOPEN_CONNECT, IocpChannelOption.TCP_QUICKACK, IocpChannelOption.TCP_CORK,
            IocpChannelOption.TCP_NOTSENT_LOWAT, IocpChannelOption.IP_FREEBIND, IocpChannelOption.IP_TRANSPARENT,
            IocpChannelOption.SO_BUSY_POLL, IocpChannelOption.IP_BIND_ADDRESS_NO_PORT);

    private final IocpSocketChannel channel;
    private final PortSocket socket;
    private volatile boolean allowHalfClosure;
    private volatile int sendZeroCopyThreshold = -1;

    IocpSocketChannelConfig(IocpSocketChannel channel, PortSocket socket) {
        super(channel);
        this.channel = channel;
        this.socket = socket;
        // As NioSocketChannel does by default: small writes are not held back.
        setTcpNoDelay(true);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = new java.util.HashMap<>(
                getOptions(super.getOptions(), SOCKET_OPTIONS.stream().filter(this::supported).toArray(ChannelOption<?>[]::new)));
        options.put(ALLOW_HALF_CLOSURE, allowHalfClosure);
        options.put(IocpChannelOption.SEND_ZEROCOPY_THRESHOLD, sendZeroCopyThreshold);
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == IocpChannelOption.SEND_ZEROCOPY_THRESHOLD) {
            return (T) Integer.valueOf(sendZeroCopyThreshold);
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
        if (option == ALLOW_HALF_CLOSURE) {
            allowHalfClosure = (Boolean) value;
        } else if (option == IocpChannelOption.SEND_ZEROCOPY_THRESHOLD) {
            setSendZeroCopyThreshold((Integer) value);
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

    private <T> T get(SocketOption<T> option) {
        return SocketOptionAccess.get(socket, option);
    }

    private <T> IocpSocketChannelConfig set(SocketOption<T> option, T value) {
        SocketOptionAccess.set(socket, option, value);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public IocpSocketChannelConfig setReceiveBufferSize(int size) {
        return set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getSendBufferSize() {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public IocpSocketChannelConfig setSendBufferSize(int size) {
        return set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSoLinger() {
        return get(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public IocpSocketChannelConfig setSoLinger(int seconds) {
        return set(StandardSocketOptions.SO_LINGER, seconds);
    }

    @Override
    public int getTrafficClass() {
        return get(StandardSocketOptions.IP_TOS);
    }

    @Override
    public IocpSocketChannelConfig setTrafficClass(int trafficClass) {
        return set(StandardSocketOptions.IP_TOS, trafficClass);
    }

    @Override
    public boolean isKeepAlive() {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public IocpSocketChannelConfig setKeepAlive(boolean keepAlive) {
        return set(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
    }

    @Override
    public boolean isReuseAddress() {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public IocpSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        return set(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
    }

    @Override
    public boolean isTcpNoDelay() {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public IocpSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        return set(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
    }

    @Override
    public IocpSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this; // as in java.net: no implementation uses these preferences
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public IocpSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    /**
     * {@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD}: -1 when off.
     *
     * @return the threshold in bytes, or -1
     */
    public int getSendZeroCopyThreshold() {
        return sendZeroCopyThreshold;
    }

    /**
     * Sets {@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD}: sends of at least this many bytes
     * go out zero-copy; -1 turns it off, 0 makes every send zero-copy.
     *
     * @param threshold the smallest send, in bytes, that goes out zero-copy; -1 for none
     * @return this configuration
     * @throws IllegalArgumentException for a value below -1
     */
    public IocpSocketChannelConfig setSendZeroCopyThreshold(int threshold) {
        if (threshold < -1) {
            throw new IllegalArgumentException("SEND_ZEROCOPY_THRESHOLD must be -1 (off) or at least 0, not " + threshold);
        }
        this.sendZeroCopyThreshold = threshold;
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public IocpSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IocpSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public IocpSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IocpSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IocpSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    /** Whether the socket's backend can set this option. */
    private boolean supported(ChannelOption<?> option) {
        return socket.supportedOptions().contains(SocketOptionAccess.socketOption(option));
    }
}
