package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of an {@link IocpDatagramChannel}: Netty's datagram options mapped onto the
 * {@link PortSocket}'s, as {@code DefaultDatagramChannelConfig} maps them onto a JDK socket.
 * Receive buffers come from a {@link FixedRecvByteBufAllocator} of 2048 bytes, as NIO's and
 * epoll's datagram channels have them; a datagram larger than the buffer is cut to it.
 */
public final class IocpDatagramChannelConfig extends DefaultChannelConfig implements DatagramChannelConfig {
    /** Netty's options that are a socket option of the same value, and the socket option. */
    private static final Map<ChannelOption<?>, SocketOption<?>> SOCKET_OPTIONS = Map.of(
            ChannelOption.SO_BROADCAST, StandardSocketOptions.SO_BROADCAST,
            ChannelOption.SO_RCVBUF, StandardSocketOptions.SO_RCVBUF,
            ChannelOption.SO_SNDBUF, StandardSocketOptions.SO_SNDBUF,
            ChannelOption.SO_REUSEADDR, StandardSocketOptions.SO_REUSEADDR,
            ChannelOption.IP_MULTICAST_IF, StandardSocketOptions.IP_MULTICAST_IF,
            ChannelOption.IP_MULTICAST_TTL, StandardSocketOptions.IP_MULTICAST_TTL,
            ChannelOption.IP_TOS, StandardSocketOptions.IP_TOS,
            IocpChannelOption.SO_REUSEPORT, StandardSocketOptions.SO_REUSEPORT);

    private final IocpDatagramChannel channel;
    private final PortSocket socket;
    private volatile boolean activeOnRegistration;

    IocpDatagramChannelConfig(IocpDatagramChannel channel, PortSocket socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.channel = channel;
        this.socket = socket;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = new HashMap<>(getOptions(super.getOptions(),
                ChannelOption.IP_MULTICAST_LOOP_DISABLED, ChannelOption.IP_MULTICAST_ADDR,
                ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION));
        for (ChannelOption<?> option : SOCKET_OPTIONS.keySet()) {
            if (socket.supportedOptions().contains(SOCKET_OPTIONS.get(option))) {
                options.put(option, getOption(option));
            }
        }
        return options;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        SocketOption<T> socketOption = (SocketOption<T>) SOCKET_OPTIONS.get(option);
        if (socketOption != null) {
            // null, as for an option Netty does not know, where the backend cannot set it
            return socket.supportedOptions().contains(socketOption) ? SocketOptionAccess.get(socket, socketOption) : null;
        }
        if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            return (T) Boolean.valueOf(isLoopbackModeDisabled());
        }
        if (option == ChannelOption.IP_MULTICAST_ADDR) {
            return (T) getInterface();
        }
        if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            return (T) Boolean.valueOf(activeOnRegistration);
        }
        return super.getOption(option);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        SocketOption<T> socketOption = (SocketOption<T>) SOCKET_OPTIONS.get(option);
        if (socketOption != null) {
            if (!socket.supportedOptions().contains(socketOption)) {
                return false; // reported as Netty reports an option it does not know
            }
            SocketOptionAccess.set(socket, socketOption, value);
        } else if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            setLoopbackModeDisabled((Boolean) value);
        } else if (option == ChannelOption.IP_MULTICAST_ADDR) {
            setInterface((InetAddress) value);
        } else if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            if (channel.isRegistered()) {
                throw new IllegalStateException("DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION can only be set before registration");
            }
            activeOnRegistration = (Boolean) value;
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** Whether the channel is active from its registration on, before a bind or connect. */
    boolean isActiveOnRegistration() {
        return activeOnRegistration;
    }

    @Override
    public int getSendBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public IocpDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_SNDBUF, sendBufferSize);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public IocpDatagramChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
        return this;
    }

    @Override
    public int getTrafficClass() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.IP_TOS);
    }

    @Override
    public IocpDatagramChannelConfig setTrafficClass(int trafficClass) {
        SocketOptionAccess.set(socket, StandardSocketOptions.IP_TOS, trafficClass);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public IocpDatagramChannelConfig setReuseAddress(boolean reuseAddress) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_REUSEADDR, reuseAddress);
        return this;
    }

    @Override
    public boolean isBroadcast() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.SO_BROADCAST);
    }

    @Override
    public IocpDatagramChannelConfig setBroadcast(boolean broadcast) {
        SocketOptionAccess.set(socket, StandardSocketOptions.SO_BROADCAST, broadcast);
        return this;
    }

    /** The inverse of IP_MULTICAST_LOOP, as Netty names it. */
    @Override
    public boolean isLoopbackModeDisabled() {
        return !SocketOptionAccess.get(socket, StandardSocketOptions.IP_MULTICAST_LOOP);
    }

    @Override
    public IocpDatagramChannelConfig setLoopbackModeDisabled(boolean loopbackModeDisabled) {
        SocketOptionAccess.set(socket, StandardSocketOptions.IP_MULTICAST_LOOP, !loopbackModeDisabled);
        return this;
    }

    @Override
    public int getTimeToLive() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.IP_MULTICAST_TTL);
    }

    @Override
    public IocpDatagramChannelConfig setTimeToLive(int ttl) {
        SocketOptionAccess.set(socket, StandardSocketOptions.IP_MULTICAST_TTL, ttl);
        return this;
    }

    /** The first address of the {@linkplain #getNetworkInterface() multicast interface}, or null. */
    @Override
    public InetAddress getInterface() {
        NetworkInterface networkInterface = getNetworkInterface();
        if (networkInterface == null) {
            return null;
        }
        Enumeration<InetAddress> addresses = networkInterface.getInetAddresses();
        return addresses.hasMoreElements() ? addresses.nextElement() : null;
    }

    /** Sets the multicast interface to the one that has {@code interfaceAddress}. */
    @Override
    public IocpDatagramChannelConfig setInterface(InetAddress interfaceAddress) {
        try {
            NetworkInterface networkInterface = NetworkInterface.getByInetAddress(interfaceAddress);
            if (networkInterface == null) {
                throw new ChannelException("no network interface has the address " + interfaceAddress);
            }
            return setNetworkInterface(networkInterface);
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public NetworkInterface getNetworkInterface() {
        return SocketOptionAccess.get(socket, StandardSocketOptions.IP_MULTICAST_IF);
    }

    @Override
    public IocpDatagramChannelConfig setNetworkInterface(NetworkInterface networkInterface) {
        SocketOptionAccess.set(socket, StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    @Deprecated
    public IocpDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public IocpDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}
