package dev.iocp.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

/**
 * A UDP socket: opened by {@link Backend#openDatagramSocket}, registered with a port like any
 * {@link PortSocket}, and used there with {@link CompletionPort#submitSendTo} and
 * {@link CompletionPort#submitReceiveFrom}, each of which moves one whole datagram.
 *
 * <p>Connecting a datagram socket only fixes its peer (the kernel sends nothing), so it is a
 * synchronous call here, as are {@link #disconnect} and the multicast memberships: none of them
 * can wait. A connected socket receives only from its peer, and an ICMP error the peer's host
 * answers with (port unreachable) fails the socket's next receive or send with
 * {@code -ECONNREFUSED}, as {@code recvmsg(2)} reports it.
 *
 * <p>Of the port's other operations a datagram socket takes {@link CompletionPort#submitClose}
 * and {@link CompletionPort#submitCancel}; {@link CompletionPort#submitConnect} is refused
 * ({@link IllegalArgumentException}: use {@link #connect}), and {@link #listen} fails.
 */
public interface DatagramPortSocket extends PortSocket {

    /** The bound address, or {@code null} before bind (or a first send): always an IP address. */
    @Override
    InetSocketAddress localAddress() throws IOException;

    /** The connected peer, or {@code null} when not connected. */
    @Override
    InetSocketAddress remoteAddress() throws IOException;

    /**
     * Fixes the peer: sends without an address go to it, and only its datagrams are received.
     * An unbound socket is bound to the wildcard address and a free port first.
     *
     * @param remote the peer
     * @throws IllegalArgumentException for an unresolved address, or an IPv6 one on an INET socket
     * @throws IOException if the system refuses, e.g. with {@code ENETUNREACH}
     */
    void connect(InetSocketAddress remote) throws IOException;

    /**
     * Forgets the peer set by {@link #connect}; a socket that is not connected is left as it is.
     * The socket stays bound to its port, also one the kernel chose (Linux unbinds such a socket
     * on disconnect; it is bound again to that port, as the JDK does); its address may become the
     * wildcard.
     *
     * @throws IOException if the system refuses
     */
    void disconnect() throws IOException;

    /**
     * Joins a multicast group on an interface ({@code IP_ADD_MEMBERSHIP} / {@code IPV6_JOIN_GROUP}),
     * or, with a {@code source}, only that source's datagrams to the group (source-specific).
     *
     * @param group            the multicast group's address
     * @param networkInterface the interface to receive the group's datagrams on
     * @param source null for any source
     * @throws UnsupportedOperationException where the backend cannot filter by source
     * @throws IOException if the system refuses, e.g. for a group joined already
     */
    void joinGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException;

    /**
     * Leaves a group joined with the same arguments.
     *
     * @param group            the group's address, as it was joined
     * @param networkInterface the interface, as it was joined
     * @param source           the source, as it was joined, or null
     * @throws IOException if the system refuses, e.g. for a group not joined
     */
    void leaveGroup(InetAddress group, NetworkInterface networkInterface, InetAddress source) throws IOException;
}
