package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.NetUtil;

import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.Map;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;

/**
 * The configuration of an {@link IocpServerDomainSocketChannel}: the accept backlog and
 * SO_RCVBUF (which the connections it accepts inherit), as Netty's domain server configs offer.
 */
public final class IocpServerDomainSocketChannelConfig extends DefaultChannelConfig {
    private final IocpServerDomainSocketChannel channel;
    private final PortSocket socket;
    private volatile int backlog = NetUtil.SOMAXCONN;

    IocpServerDomainSocketChannelConfig(IocpServerDomainSocketChannel channel, PortSocket socket) {
        // As NIO's server channels: maxMessagesPerRead bounds an accept batch, bytes do not count.
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.channel = channel;
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = new HashMap<>(getOptions(super.getOptions(), SO_RCVBUF));
        options.put(SO_BACKLOG, backlog);
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_BACKLOG) {
            return (T) Integer.valueOf(backlog);
        }
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /**
     * The accept backlog the channel's bind passes to {@code listen}.
     *
     * @return the backlog; by default Netty's {@code NetUtil.SOMAXCONN}
     */
    public int getBacklog() {
        return backlog;
    }

    /**
     * Sets the accept backlog; a channel bound already keeps the one it was bound with.
     *
     * @param backlog how many connections the kernel queues before they are accepted, 0 or more
     * @return this configuration
     * @throws IllegalArgumentException for a negative backlog
     */
    public IocpServerDomainSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must not be negative: " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    /**
     * SO_RCVBUF of the listening socket.
     *
     * @return the size in bytes, as the kernel reports it
     * @throws io.netty.channel.ChannelException if the kernel refuses to tell
     */
    public int getReceiveBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_RCVBUF);
    }

    /**
     * Sets SO_RCVBUF of the listening socket.
     *
     * @param size the size in bytes; the kernel doubles it, within its limits
     * @return this configuration
     * @throws io.netty.channel.ChannelException if the kernel refuses it
     */
    public IocpServerDomainSocketChannelConfig setReceiveBufferSize(int size) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_RCVBUF, size);
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public IocpServerDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerDomainSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IocpServerDomainSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IocpServerDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
