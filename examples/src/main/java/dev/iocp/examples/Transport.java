package dev.iocp.examples;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpDatagramChannel;
import dev.iocp.channel.IocpIoHandler;
import dev.iocp.channel.IocpServerDomainSocketChannel;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one place where the examples choose their transport. Everything else in the examples is
 * plain Netty; switching a Netty program from NIO to this transport is the same two-line change
 * seen here: the I/O handler factory of the event loop group, and the channel classes (TCP's
 * two, and UDP's).
 */
public enum Transport {
    /** This project's completion-port transport. */
    IOCP {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            // Fail here, with the reason and what to change, rather than deep inside a bind.
            Iocp.ensureAvailability();
            return IocpIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerSocketChannel> serverChannel() {
            return IocpServerSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverDomainChannel() {
            return IocpServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends SocketChannel> channel() {
            return IocpSocketChannel.class;
        }

        @Override
        public Class<? extends DatagramChannel> datagramChannel() {
            return IocpDatagramChannel.class;
        }

        @Override
        public String description() {
            return "iocp (backend " + Iocp.backendName() + ")";
        }

        @Override
        public Throwable unavailabilityCause() {
            return Iocp.unavailabilityCause();
        }
    },

    /** Netty's own java.nio transport, as the reference to compare against. */
    NIO {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerSocketChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        public Class<? extends ServerChannel> serverDomainChannel() {
            return NioServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends SocketChannel> channel() {
            return NioSocketChannel.class;
        }

        @Override
        public Class<? extends DatagramChannel> datagramChannel() {
            return NioDatagramChannel.class;
        }

        @Override
        public String description() {
            return "nio";
        }
    };

    /** Why this transport cannot run here (and what to change); {@code null} when it can. */
    public Throwable unavailabilityCause() {
        return null;
    }

    /** The transport used when none is named on the command line. */
    public static final Transport DEFAULT = IOCP;

    abstract IoHandlerFactory ioHandlerFactory();

    /** The channel class a {@code ServerBootstrap} binds with. */
    public abstract Class<? extends ServerSocketChannel> serverChannel();

    /**
     * The channel class a {@code ServerBootstrap} binds a Unix-domain socket path with. Both
     * transports take the JDK's {@link UnixDomainSocketAddress}, and remove the socket file when
     * the channel closes.
     */
    public abstract Class<? extends ServerChannel> serverDomainChannel();

    /** The server channel class for {@code address}: a Unix-domain one for a socket path, else TCP. */
    public Class<? extends ServerChannel> serverChannelFor(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress ? serverDomainChannel() : serverChannel();
    }

    /** The channel class a {@code Bootstrap} connects with. */
    public abstract Class<? extends SocketChannel> channel();

    /** The UDP channel class a {@code Bootstrap} binds or connects with. */
    public abstract Class<? extends DatagramChannel> datagramChannel();

    /** A human-readable name for start-up messages. */
    public abstract String description();

    /**
     * A new event loop group of this transport.
     *
     * @param threads the number of event loops; 0 lets Netty pick (twice the cores)
     */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    /** The name used on the command line, e.g. {@code iocp}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return cliName();
    }

    /** The transport a command-line value names; the error lists the allowed values. */
    public static Transport parse(String value) {
        for (Transport transport : values()) {
            if (transport.cliName().equals(value)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + value + "'; allowed: " + allowedNames());
    }

    /** The command-line names, comma-separated, for usage messages. */
    public static String allowedNames() {
        return Arrays.stream(values()).map(Transport::cliName).collect(Collectors.joining(", "));
    }
}
