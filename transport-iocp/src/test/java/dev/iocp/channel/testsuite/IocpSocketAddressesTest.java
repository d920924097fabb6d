package dev.iocp.channel.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketAddressesTest} on {@link IocpSocketTestPermutation#socket()}: once connected
 * (either end), local and remote addresses are TCP addresses with a real port and a concrete,
 * not wildcard, IP.
 */
@IocpTestsuite
public class IocpSocketAddressesTest extends SocketAddressesTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void assertAddress(SocketAddress address) {
        InetSocketAddress inet = assertInstanceOf(InetSocketAddress.class, address);
        assertTrue(inet.getPort() > 0, () -> "port of " + inet);
        assertFalse(inet.isUnresolved(), () -> "unresolved " + inet);
        assertFalse(inet.getAddress().isAnyLocalAddress(), () -> "wildcard " + inet);
    }
}
