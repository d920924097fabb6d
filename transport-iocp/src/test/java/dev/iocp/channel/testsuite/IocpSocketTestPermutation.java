package dev.iocp.channel.testsuite;

import dev.iocp.channel.IocpChannelOption;
import dev.iocp.channel.IocpDatagramChannel;
import dev.iocp.channel.IocpIoHandler;
import dev.iocp.channel.IocpServerSocketChannel;
import dev.iocp.channel.IocpSocketChannel;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ChannelFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bootstrap permutations Netty's transport test suite runs against this transport.
 *
 * <p>Server × client combinations, {@link #socket()}:
 * <ol>
 *   <li>Iocp server × Iocp client, on the shared Iocp boss (1 thread) and worker
 *       ({@value #WORKERS} threads) groups;</li>
 *   <li>Iocp server × Iocp client with the server's boss, its accepted children and the client all
 *       on one single-threaded loop: one ring serves both ends of every connection;</li>
 *   <li>Iocp server × NIO client;</li>
 *   <li>NIO server × Iocp client.</li>
 * </ol>
 * NIO × NIO is left out, as Netty's epoll and io_uring permutations do. Suites that exercise only
 * one side use {@link #iocpServerSocket()} or {@link #iocpClientSocket()}: the Iocp channel alone.
 * The datagram suites get the same four combinations of {@link IocpDatagramChannel} and
 * {@code NioDatagramChannel} ({@link #datagram}), or the Iocp channel alone
 * ({@link #datagramSocket()}).
 *
 * <p>The event loop groups are created once, on first use (that is after the
 * {@link IocpTestsuite} availability check let a suite run), and shared by every suite like
 * Netty's own permutation classes do; their threads are daemons and they are never shut down.
 * Only when a test hangs are they replaced ({@link #abandonGroups()}).
 *
 * <p>With {@code -Ddev.iocp.testsuite.baseline=nio} every permutation becomes NIO × NIO (and the
 * availability check is skipped): a check of the suite wiring itself, and a baseline that tells
 * whether a failure is the transport's or the suite's.
 */
public class IocpSocketTestPermutation extends SocketTestPermutation {

    /** {@code -Ddev.iocp.testsuite.baseline=nio}: run every permutation suite NIO × NIO. */
    static final boolean NIO_BASELINE = "nio".equalsIgnoreCase(System.getProperty("dev.iocp.testsuite.baseline"));

    public static final IocpSocketTestPermutation INSTANCE = new IocpSocketTestPermutation();

    static final int BOSSES = 1;
    static final int WORKERS = 2;
    private static final ChannelOption<Integer> ZERO_COPY = IocpChannelOption.SEND_ZEROCOPY_THRESHOLD;

    /** One generation of the shared event loop groups. */
    static final class Groups {
        final EventLoopGroup iocpBoss;
        final EventLoopGroup iocpWorker;
        /** One loop for everything: the server's boss and children and the client. */
        final EventLoopGroup iocpSingle;
        final EventLoopGroup nioBoss;
        final EventLoopGroup nioWorker;

        Groups(int generation) {
            String suffix = generation == 0 ? "" : "-gen" + generation;
            if (NIO_BASELINE) {
                iocpBoss = null;
                iocpWorker = null;
                iocpSingle = null;
            } else {
                iocpBoss = group("testsuite-iocp-boss" + suffix, BOSSES, true);
                iocpWorker = group("testsuite-iocp-worker" + suffix, WORKERS, true);
                iocpSingle = group("testsuite-iocp-single" + suffix, 1, true);
            }
            nioBoss = group("testsuite-nio-boss" + suffix, BOSSES, false);
            nioWorker = group("testsuite-nio-worker" + suffix, WORKERS, false);
        }

        private static EventLoopGroup group(String name, int threads, boolean iocp) {
            return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                    iocp ? IocpIoHandler.newFactory() : NioIoHandler.newFactory());
        }

        void abandon() {
            for (EventLoopGroup group : new EventLoopGroup[] {iocpBoss, iocpWorker, iocpSingle, nioBoss, nioWorker}) {
                if (group != null) {
                    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Groups groups;
    private static int generation;

    static synchronized Groups groups() {
        if (groups == null) {
            groups = new Groups(generation++);
        }
        return groups;
    }

    /**
     * Called when a test hung: its loops may be blocked for good, so later tests get fresh groups
     * instead of queueing behind them. The old groups are asked to shut down; a blocked loop never
     * will, but its threads are daemons.
     */
    static synchronized void abandonGroups() {
        if (groups != null) {
            groups.abandon();
            groups = null;
        }
    }

    protected IocpSocketTestPermutation() {
    }

    // ---- single bootstraps ------------------------------------------------------------------

    static ServerBootstrap iocpServer() {
        Groups g = groups();
        return new ServerBootstrap().group(g.iocpBoss, g.iocpWorker).channel(IocpServerSocketChannel.class);
    }

    static Bootstrap iocpClient() {
        return new Bootstrap().group(groups().iocpWorker).channel(IocpSocketChannel.class);
    }

    static ServerBootstrap singleLoopIocpServer() {
        Groups g = groups();
        return new ServerBootstrap().group(g.iocpSingle, g.iocpSingle).channel(IocpServerSocketChannel.class);
    }

    static Bootstrap singleLoopIocpClient() {
        return new Bootstrap().group(groups().iocpSingle).channel(IocpSocketChannel.class);
    }

    static ServerBootstrap nioServer() {
        Groups g = groups();
        return new ServerBootstrap().group(g.nioBoss, g.nioWorker).channel(NioServerSocketChannel.class);
    }

    static Bootstrap nioClient() {
        return new Bootstrap().group(groups().nioWorker).channel(NioSocketChannel.class);
    }

    static <T extends AbstractBootstrap<?, ?>> BootstrapFactory<T> named(
            String name, BootstrapFactory<T> factory) {
        return new BootstrapFactory<T>() {
            @Override
            public T newInstance() {
                T bootstrap = factory.newInstance();
                IocpTestsuite.Extension.running(name);
                return bootstrap;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    static BootstrapComboFactory<ServerBootstrap, Bootstrap> comboOf(
            String name, BootstrapFactory<ServerBootstrap> server, BootstrapFactory<Bootstrap> client) {
        return new BootstrapComboFactory<ServerBootstrap, Bootstrap>() {
            @Override
            public ServerBootstrap newServerInstance() {
                ServerBootstrap bootstrap = server.newInstance();
                IocpTestsuite.Extension.running(name);
                return bootstrap;
            }

            @Override
            public Bootstrap newClientInstance() {
                Bootstrap bootstrap = client.newInstance();
                IocpTestsuite.Extension.running(name);
                return bootstrap;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    // ---- server × client --------------------------------------------------------------------

    /**
     * Iocp×Iocp, Iocp×Iocp on one single-threaded loop, Iocp×NIO and NIO×Iocp (server × client).
     */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = new ArrayList<>();
        BootstrapFactory<ServerBootstrap> nioServer = named("NIO", IocpSocketTestPermutation::nioServer);
        BootstrapFactory<Bootstrap> nioClient = named("NIO", IocpSocketTestPermutation::nioClient);
        if (NIO_BASELINE) {
            list.add(comboOf("NIO x NIO", nioServer, nioClient));
            return list;
        }
        BootstrapFactory<ServerBootstrap> iocpServer = named("Iocp", IocpSocketTestPermutation::iocpServer);
        BootstrapFactory<Bootstrap> iocpClient = named("Iocp", IocpSocketTestPermutation::iocpClient);
        list.add(comboOf("Iocp x Iocp", iocpServer, iocpClient));
        list.add(singleLoop());
        list.add(comboOf("Iocp x NIO", iocpServer, nioClient));
        list.add(comboOf("NIO x Iocp", nioServer, iocpClient));
        return list;
    }

    /**
     * Iocp × Iocp, on the shared groups and on one loop, with every send of both sides zero-copy
     * ({@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD} 0), as Netty's io_uring runs its echo
     * suite with SEND_ZC. Where the transport cannot send zero-copy, its sends copy as usual.
     */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> zeroCopySocket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = new ArrayList<>();
        if (NIO_BASELINE) {
            return socket();
        }
        list.add(comboOf("Iocp x Iocp, zero-copy sends", () -> iocpServer().childOption(ZERO_COPY, 0),
                () -> iocpClient().option(ZERO_COPY, 0)));
        list.add(comboOf("Iocp x Iocp (one loop), zero-copy sends", () -> singleLoopIocpServer().childOption(ZERO_COPY, 0),
                () -> singleLoopIocpClient().option(ZERO_COPY, 0)));
        return list;
    }

    /** Same as {@link #socket()}: the transport has no TCP fast-open variant of its own. */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    /** Iocp×Iocp with the server's boss and children and the client all on one single-threaded loop. */
    public BootstrapComboFactory<ServerBootstrap, Bootstrap> singleLoop() {
        return comboOf("Iocp x Iocp (one loop)",
                IocpSocketTestPermutation::singleLoopIocpServer, IocpSocketTestPermutation::singleLoopIocpClient);
    }

    /** Iocp and NIO servers (the server halves of {@link #socket()}'s combinations). */
    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        if (!NIO_BASELINE) {
            list.add(named("Iocp", IocpSocketTestPermutation::iocpServer));
        }
        list.add(named("NIO", IocpSocketTestPermutation::nioServer));
        return list;
    }

    /** Iocp and NIO clients (the client halves of {@link #socket()}'s combinations). */
    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        if (!NIO_BASELINE) {
            list.add(named("Iocp", IocpSocketTestPermutation::iocpClient));
        }
        list.add(named("NIO", IocpSocketTestPermutation::nioClient));
        return list;
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }

    // ---- datagrams ---------------------------------------------------------------------------

    private static Bootstrap datagramBootstrap(EventLoopGroup group, String name, ChannelFactory<?> factory) {
        return new Bootstrap().group(group).channelFactory(new ChannelFactory<>() {
            @Override
            public io.netty.channel.Channel newChannel() {
                return factory.newChannel();
            }

            @Override
            public String toString() {
                return name;
            }
        });
    }

    static Bootstrap iocpDatagram(SocketProtocolFamily family) {
        return datagramBootstrap(groups().iocpWorker, "IocpDatagramChannel(" + family + ")",
                () -> new IocpDatagramChannel(family));
    }

    static Bootstrap singleLoopIocpDatagram(SocketProtocolFamily family) {
        return datagramBootstrap(groups().iocpSingle, "IocpDatagramChannel(" + family + ")",
                () -> new IocpDatagramChannel(family));
    }

    static Bootstrap nioDatagram(SocketProtocolFamily family) {
        return datagramBootstrap(groups().nioWorker, "NioDatagramChannel(" + family + ")",
                () -> new NioDatagramChannel(family));
    }

    private static BootstrapComboFactory<Bootstrap, Bootstrap> datagramComboOf(
            String name, BootstrapFactory<Bootstrap> server, BootstrapFactory<Bootstrap> client) {
        return new BootstrapComboFactory<Bootstrap, Bootstrap>() {
            @Override
            public Bootstrap newServerInstance() {
                Bootstrap bootstrap = server.newInstance();
                IocpTestsuite.Extension.running(name);
                return bootstrap;
            }

            @Override
            public Bootstrap newClientInstance() {
                Bootstrap bootstrap = client.newInstance();
                IocpTestsuite.Extension.running(name);
                return bootstrap;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * Datagram channels of {@code family}, as {@link #socket()} pairs stream channels: Iocp × Iocp,
     * Iocp × Iocp on one loop, Iocp × NIO and NIO × Iocp (the "server" is the bound side).
     */
    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapComboFactory<Bootstrap, Bootstrap>> list = new ArrayList<>();
        BootstrapFactory<Bootstrap> nio = () -> nioDatagram(family);
        if (NIO_BASELINE) {
            list.add(datagramComboOf("NIO x NIO", nio, nio));
            return list;
        }
        BootstrapFactory<Bootstrap> iocp = () -> iocpDatagram(family);
        BootstrapFactory<Bootstrap> single = () -> singleLoopIocpDatagram(family);
        list.add(datagramComboOf("Iocp x Iocp", iocp, iocp));
        list.add(datagramComboOf("Iocp x Iocp (one loop)", single, single));
        list.add(datagramComboOf("Iocp x NIO", iocp, nio));
        list.add(datagramComboOf("NIO x Iocp", nio, iocp));
        return list;
    }

    /** The Iocp datagram channel alone (IPv6, dual-stack, as {@code new IocpDatagramChannel()}). */
    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        if (NIO_BASELINE) {
            list.add(named("NIO", () -> new Bootstrap().group(groups().nioWorker).channel(NioDatagramChannel.class)));
        } else {
            list.add(named("Iocp", () -> new Bootstrap().group(groups().iocpWorker).channel(IocpDatagramChannel.class)));
        }
        return list;
    }

    // ---- one side only ----------------------------------------------------------------------

    /** The Iocp server alone, for suites that drive the peer with plain java.net sockets. */
    public List<BootstrapFactory<ServerBootstrap>> iocpServerSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        list.add(NIO_BASELINE ? named("NIO", IocpSocketTestPermutation::nioServer)
                : named("Iocp", IocpSocketTestPermutation::iocpServer));
        return list;
    }

    /** The Iocp client alone, for suites that test the client channel by itself. */
    public List<BootstrapFactory<Bootstrap>> iocpClientSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        list.add(NIO_BASELINE ? named("NIO", IocpSocketTestPermutation::nioClient)
                : named("Iocp", IocpSocketTestPermutation::iocpClient));
        return list;
    }
}
