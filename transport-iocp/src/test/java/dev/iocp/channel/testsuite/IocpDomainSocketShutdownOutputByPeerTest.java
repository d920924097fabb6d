package dev.iocp.channel.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Netty's {@link AbstractSocketShutdownOutputByPeerTest} over a Unix-domain socket: the Iocp
 * domain server's accepted channel sees its peer, a blocking JDK {@link SocketChannel} of family
 * UNIX, shut down its output (as epoll's runs it with a native domain socket as the peer).
 */
@IocpTestsuite
public class IocpDomainSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<SocketChannel> {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return IocpDomainSocketTestPermutation.INSTANCE.serverDomainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return IocpDomainSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected SocketChannel newSocket() {
        try {
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void connect(SocketChannel s, SocketAddress address) throws IOException {
        s.connect(address instanceof DomainSocketAddress netty ? UnixDomainSocketAddress.of(netty.path()) : address);
    }

    @Override
    protected void shutdownOutput(SocketChannel s) throws IOException {
        s.shutdownOutput();
    }

    @Override
    protected void write(SocketChannel s, int data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {(byte) data}); // one byte, as the TCP suite's java.net.Socket writes
        while (buf.hasRemaining()) {
            s.write(buf);
        }
    }

    @Override
    protected void close(SocketChannel s) throws IOException {
        s.close();
    }
}
