package dev.iocp.channel;

import dev.iocp.port.LinuxAbstractSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Netty's {@link DomainSocketAddress} and the port's Unix-domain addresses, each way. The
 * domain channels take Netty's type (as epoll's do) and the JDK's {@link UnixDomainSocketAddress}
 * (as NIO's do), and report Netty's. A Netty path that starts with NUL names Linux's abstract
 * namespace, as on epoll: the port's {@link LinuxAbstractSocketAddress}, named by the path's
 * UTF-8 bytes after the NUL.
 */
final class DomainSocketAddresses {

    private DomainSocketAddresses() {
    }

    /**
     * The port's address for one a user gave.
     *
     * @throws UnsupportedOperationException for an address that is not a Unix-domain one, as
     *                                       Netty's channels refuse an address type they do not speak
     */
    static SocketAddress toPort(SocketAddress address) {
        if (address instanceof DomainSocketAddress netty) {
            String path = netty.path();
            if (!path.isEmpty() && path.charAt(0) == '\0') {
                return LinuxAbstractSocketAddress.of(path.substring(1).getBytes(StandardCharsets.UTF_8));
            }
            return UnixDomainSocketAddress.of(path);
        }
        if (address instanceof UnixDomainSocketAddress || address instanceof LinuxAbstractSocketAddress) {
            return address;
        }
        throw new UnsupportedOperationException("unsupported address type: "
                + (address == null ? "null" : address.getClass().getName())
                + "; a domain socket takes a DomainSocketAddress or UnixDomainSocketAddress");
    }

    /** Netty's address for one the port reported; null for null. */
    static DomainSocketAddress toNetty(SocketAddress address) {
        if (address == null) {
            return null;
        }
        if (address instanceof LinuxAbstractSocketAddress name) {
            return new DomainSocketAddress("\0" + name.nameAsString());
        }
        return new DomainSocketAddress(((UnixDomainSocketAddress) address).getPath().toString());
    }
}
