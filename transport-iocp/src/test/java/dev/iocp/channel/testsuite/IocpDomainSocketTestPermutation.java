package dev.iocp.channel.testsuite;

import dev.iocp.channel.Iocp;
import dev.iocp.channel.IocpDomainSocketChannel;
import dev.iocp.channel.IocpServerDomainSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.iocp.channel.testsuite.IocpSocketTestPermutation.comboOf;
import static dev.iocp.channel.testsuite.IocpSocketTestPermutation.groups;
import static dev.iocp.channel.testsuite.IocpSocketTestPermutation.named;

/**
 * The permutations Netty's stream suites run over Unix-domain sockets, as Netty runs its epoll
 * suites over them ({@code EpollSocketTestPermutation.domainSocket()}): server × client,
 * {@link #domainSocket()}:
 * <ol>
 *   <li>Iocp domain server × Iocp domain client, on the shared boss and worker groups;</li>
 *   <li>the same with server and client on one single-threaded loop.</li>
 * </ol>
 * No NIO combinations: Netty's NIO domain channels take only the JDK's address type, and the
 * suites connect to the address the server reports, which on these channels is Netty's
 * {@link DomainSocketAddress} (as on epoll). Interplay with JDK peers is tested elsewhere
 * ({@code IocpDomainSocketChannelTest}, the core's {@code UnixDomainSocketContract}).
 *
 * <p>With {@code -Ddev.iocp.testsuite.baseline=nio} the permutations are NIO domain × NIO
 * domain, on the JDK's address type.
 */
final class IocpDomainSocketTestPermutation {
    static final IocpDomainSocketTestPermutation INSTANCE = new IocpDomainSocketTestPermutation();

    private IocpDomainSocketTestPermutation() {
    }

    /**
     * A path nothing is bound to, in the temporary directory (short enough for {@code sun_path}).
     * The server channel removes the socket file when it closes.
     */
    static SocketAddress newDomainSocketAddress() {
        try {
            Path file = Files.createTempFile("iocp", ".sock");
            Files.delete(file);
            return IocpSocketTestPermutation.NIO_BASELINE ? UnixDomainSocketAddress.of(file)
                    : new DomainSocketAddress(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A name in Linux's abstract namespace (io_uring backend only), unique to this call. */
    static SocketAddress newAbstractDomainSocketAddress() {
        return new DomainSocketAddress("\0dev.iocp.testsuite/" + ProcessHandle.current().pid() + "/" + System.nanoTime());
    }

    /** Whether the backend in use has Linux's abstract namespace (the JDK's channels have none). */
    static boolean supportsAbstractNames() {
        return !IocpSocketTestPermutation.NIO_BASELINE && Iocp.backend().name().equals("io_uring");
    }

    private static ServerBootstrap iocpServer() {
        var g = groups();
        return new ServerBootstrap().group(g.iocpBoss, g.iocpWorker).channel(IocpServerDomainSocketChannel.class);
    }

    private static Bootstrap iocpClient() {
        return new Bootstrap().group(groups().iocpWorker).channel(IocpDomainSocketChannel.class);
    }

    private static ServerBootstrap singleLoopIocpServer() {
        var g = groups();
        return new ServerBootstrap().group(g.iocpSingle, g.iocpSingle).channel(IocpServerDomainSocketChannel.class);
    }

    private static Bootstrap singleLoopIocpClient() {
        return new Bootstrap().group(groups().iocpSingle).channel(IocpDomainSocketChannel.class);
    }

    private static ServerBootstrap nioServer() {
        var g = groups();
        return new ServerBootstrap().group(g.nioBoss, g.nioWorker).channel(NioServerDomainSocketChannel.class);
    }

    private static Bootstrap nioClient() {
        return new Bootstrap().group(groups().nioWorker).channel(NioDomainSocketChannel.class);
    }

    List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> list = new ArrayList<>();
        if (IocpSocketTestPermutation.NIO_BASELINE) {
            list.add(comboOf("NIO domain x NIO domain", IocpDomainSocketTestPermutation::nioServer,
                    IocpDomainSocketTestPermutation::nioClient));
            return list;
        }
        list.add(comboOf("Iocp domain x Iocp domain", IocpDomainSocketTestPermutation::iocpServer,
                IocpDomainSocketTestPermutation::iocpClient));
        list.add(comboOf("Iocp domain x Iocp domain (one loop)", IocpDomainSocketTestPermutation::singleLoopIocpServer,
                IocpDomainSocketTestPermutation::singleLoopIocpClient));
        return list;
    }

    /** The Iocp domain server alone, for suites that drive the peer themselves. */
    List<BootstrapFactory<ServerBootstrap>> serverDomainSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        list.add(IocpSocketTestPermutation.NIO_BASELINE ? named("NIO domain", IocpDomainSocketTestPermutation::nioServer)
                : named("Iocp domain", IocpDomainSocketTestPermutation::iocpServer));
        return list;
    }
}
