package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.DomainSocketChannelConfig;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.util.internal.ObjectUtil;

import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.Map;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.unix.UnixChannelOption.DOMAIN_SOCKET_READ_MODE;

/**
 * The configuration of an {@link IocpDomainSocketChannel}: what Netty's domain-socket configs
 * offer (SO_SNDBUF, SO_RCVBUF, ALLOW_HALF_CLOSURE, DOMAIN_SOCKET_READ_MODE). TCP's options are
 * not offered: Netty reports them as unknown, as it does on epoll's domain sockets. The read mode
 * is {@link DomainSocketReadMode#BYTES} unless set to {@link DomainSocketReadMode#FILE_DESCRIPTORS},
 * which the io_uring backend offers.
 */
public final class IocpDomainSocketChannelConfig extends DefaultChannelConfig
        implements DomainSocketChannelConfig, DuplexChannelConfig {
    private final IocpDomainSocketChannel channel;
    private final PortSocket socket;
    private volatile boolean allowHalfClosure;
    private volatile DomainSocketReadMode readMode = DomainSocketReadMode.BYTES;

    IocpDomainSocketChannelConfig(IocpDomainSocketChannel channel, PortSocket socket) {
        super(channel);
        this.channel = channel;
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = new HashMap<>(getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF));
        options.put(ALLOW_HALF_CLOSURE, allowHalfClosure);
        options.put(DOMAIN_SOCKET_READ_MODE, readMode);
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == DOMAIN_SOCKET_READ_MODE) {
            return (T) readMode;
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == DOMAIN_SOCKET_READ_MODE) {
            setReadMode((DomainSocketReadMode) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /**
     * SO_RCVBUF: the most the kernel holds for this socket before the peer's sends wait.
     *
     * @return the size in bytes, as the kernel reports it (Linux doubles what was set)
     * @throws io.netty.channel.ChannelException if the kernel refuses to tell
     */
    public int getReceiveBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_RCVBUF);
    }

    /**
     * Sets SO_RCVBUF.
     *
     * @param size the size in bytes; the kernel doubles it, within its limits
     * @return this configuration
     * @throws io.netty.channel.ChannelException if the kernel refuses it
     */
    public IocpDomainSocketChannelConfig setReceiveBufferSize(int size) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_RCVBUF, size);
        return this;
    }

    /**
     * SO_SNDBUF: on AF_UNIX, the bytes in flight to the peer that count against this socket.
     *
     * @return the size in bytes, as the kernel reports it (Linux doubles what was set)
     * @throws io.netty.channel.ChannelException if the kernel refuses to tell
     */
    public int getSendBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_SNDBUF);
    }

    /**
     * Sets SO_SNDBUF.
     *
     * @param size the size in bytes; the kernel doubles it, within its limits
     * @return this configuration
     * @throws io.netty.channel.ChannelException if the kernel refuses it
     */
    public IocpDomainSocketChannelConfig setSendBufferSize(int size) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_SNDBUF, size);
        return this;
    }

    /**
     * {@link DomainSocketReadMode#BYTES} (the default) or, where the port passes descriptors (io_uring),
     * {@link DomainSocketReadMode#FILE_DESCRIPTORS}: the channel's reads then receive descriptors and
     * fire each as an {@link IocpFileDescriptor}. A change takes effect on the next read, as on epoll.
     * Set FILE_DESCRIPTORS before the peer may send a descriptor (as an option at bootstrap): a
     * change from BYTES cancels the byte mode's stream receive, which stays armed between reads,
     * and a descriptor message it takes before that has its descriptors dropped by the kernel and
     * its carrying byte delivered as a {@code ByteBuf} (see {@link DescriptorReads}).
     *
     * @throws UnsupportedOperationException for {@link DomainSocketReadMode#FILE_DESCRIPTORS} on the nio
     *                                       backend, whose JDK channels cannot receive descriptors
     */
    @Override
    public IocpDomainSocketChannelConfig setReadMode(DomainSocketReadMode mode) {
        ObjectUtil.checkNotNull(mode, "mode");
        if (mode == DomainSocketReadMode.FILE_DESCRIPTORS && !channel.passesDescriptors()) {
            throw new UnsupportedOperationException("DomainSocketReadMode.FILE_DESCRIPTORS needs the io_uring backend: "
                    + "the nio backend's JDK channels cannot receive descriptors (SCM_RIGHTS)");
        }
        readMode = mode;
        channel.readModeChanged(mode);
        return this;
    }

    @Override
    public DomainSocketReadMode getReadMode() {
        return readMode;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public IocpDomainSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public IocpDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public IocpDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public IocpDomainSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public IocpDomainSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public IocpDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
