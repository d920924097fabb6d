package dev.iocp.port.internal;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.LinuxAbstractSocketAddress;
import dev.iocp.port.PortSocket;
import dev.iocp.port.SendSegments;
import dev.iocp.port.ShutdownMode;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The argument checks every backend makes in {@code CompletionPort.submit*} before it takes an
 * operation slot or writes a submission: a refused submission throws here, the same exception
 * with the same message on every backend, and leaves nothing behind (no slot, no pinned buffer,
 * no half-written SQE). After these checks, a submission cannot fail.
 */
public final class SubmissionChecks {

    /** {@link CompletionPort#MAX_GATHERED_BUFFERS}, the bound these checks keep. */
    public static final int MAX_GATHERED_BUFFERS = CompletionPort.MAX_GATHERED_BUFFERS;
    /** {@link CompletionPort#MAX_PASSED_DESCRIPTORS}, the bound these checks keep. */
    public static final int MAX_PASSED_DESCRIPTORS = CompletionPort.MAX_PASSED_DESCRIPTORS;

    private SubmissionChecks() {
    }

    /**
     * A connect's target: of the socket's kind, resolved, and of a family the socket speaks (an
     * {@code INET6} socket is dual-stack and also reaches IPv4 addresses; an {@code INET} one
     * reaches IPv4 only).
     *
     * @throws NullPointerException     for a null address
     * @throws IllegalArgumentException for an address of another kind, an unresolved address, an
     *                                  IPv6 one on an INET socket, or a datagram socket (it
     *                                  connects synchronously)
     */
    public static void connectTarget(PortSocket socket, SocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (socket instanceof DatagramPortSocket) {
            throw new IllegalArgumentException("a datagram socket connects with DatagramPortSocket.connect, "
                    + "not with an operation: " + socket);
        }
        addressKind(socket.family(), remote);
        if (remote instanceof InetSocketAddress inet) {
            address(socket, inet);
        }
    }
    /**
     * A datagram socket, for {@link CompletionPort#submitSendTo} and
     * {@link CompletionPort#submitReceiveFrom}.
     *
     * @throws NullPointerException     for a null socket
     * @throws IllegalArgumentException for a socket that is not a {@link DatagramPortSocket}
     */
    public static void datagramSocket(PortSocket socket) {
        Objects.requireNonNull(socket, "socket");
        if (!(socket instanceof DatagramPortSocket)) {
            throw new IllegalArgumentException("datagrams are sent and received on a DatagramPortSocket, not on "
                    + socket);
        }
    }

    /**
     * A socket for a stream operation (accept, receive, send, send-file, shutdown): not a
     * datagram socket, which moves whole datagrams with {@link CompletionPort#submitSendTo} and
     * {@link CompletionPort#submitReceiveFrom} instead.
     *
     * @throws IllegalArgumentException for a {@link DatagramPortSocket}
     */
    public static void streamSocket(PortSocket socket) {
        if (socket instanceof DatagramPortSocket) {
            throw new IllegalArgumentException("a datagram socket sends and receives with submitSendTo and "
                    + "submitReceiveFrom, not with stream operations: " + socket);
        }
    }

    /**
     * A send-to's target: null (the connected peer), or an address as {@link #connectTarget}
     * takes it.
     *
     * @throws IllegalArgumentException for an unresolved address, or an IPv6 one on an INET socket
     */
    public static void sendTarget(PortSocket socket, InetSocketAddress target) {
        if (target != null) {
            address(socket, target);
        }
    }

    /**
     * A batch of send-tos ({@link CompletionPort#submitSendsTo}): 1 or more, within each array,
     * each buffer present and each target as {@link #sendTarget} takes it.
     *
     * @throws NullPointerException      for a null array, or a null buffer among the first {@code count}
     * @throws IndexOutOfBoundsException for a {@code count} beyond the length of an array
     * @throws IllegalArgumentException  for a {@code count} below 1, or a target {@link #sendTarget}
     *                                   refuses (the message names its index)
     */
    public static void sendsTo(PortSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count,
                               long[] ids) {
        Objects.requireNonNull(buffers, "buffers");
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(ids, "ids");
        if (count < 1) {
            throw new IllegalArgumentException("a batch of sends takes 1 or more datagrams, not " + count);
        }
        Objects.checkFromIndexSize(0, count, buffers.length);
        Objects.checkFromIndexSize(0, count, targets.length);
        Objects.checkFromIndexSize(0, count, ids.length);
        for (int i = 0; i < count; i++) {
            if (buffers[i] == null) {
                throw new NullPointerException("buffers[" + i + "]");
            }
            try {
                sendTarget(socket, targets[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("targets[" + i + "]: " + e.getMessage(), e);
            }
        }
    }

    private static void address(PortSocket socket, InetSocketAddress remote) {
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + remote);
        }
        if (socket.family() == StandardProtocolFamily.INET && remote.getAddress() instanceof Inet6Address) {
            // As PortException words an IPv6 address: bracketed, without the resolver's host name.
            throw new IllegalArgumentException("cannot reach the IPv6 address from an INET socket: ["
                    + remote.getAddress().getHostAddress() + "]:" + remote.getPort() + "; open the socket as INET6");
        }
    }

    /**
     * An address of the kind a socket of {@code family} binds and connects to: an
     * {@link InetSocketAddress} for {@code INET} and {@code INET6}, a
     * {@link UnixDomainSocketAddress} or {@link LinuxAbstractSocketAddress} for {@code UNIX}.
     *
     * @throws IllegalArgumentException for an address of another kind
     */
    public static void addressKind(ProtocolFamily family, SocketAddress address) {
        boolean unix = family == StandardProtocolFamily.UNIX;
        boolean fits = unix ? address instanceof UnixDomainSocketAddress || address instanceof LinuxAbstractSocketAddress
                : address instanceof InetSocketAddress;
        if (!fits) {
            throw new IllegalArgumentException("a " + family + " socket cannot use the address " + address + " ("
                    + address.getClass().getName() + "); it takes "
                    + (unix ? "a UnixDomainSocketAddress or LinuxAbstractSocketAddress" : "an InetSocketAddress"));
        }
    }

    /**
     * A receive's buffer: one the port may write into.
     *
     * @throws NullPointerException     for a null buffer
     * @throws IllegalArgumentException for a read-only buffer
     */
    public static void receiveBuffer(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("cannot receive into a read-only buffer: " + buffer);
        }
    }

    /** A send's buffer. @throws NullPointerException for a null buffer */
    public static void sendBuffer(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
    }

    /**
     * A gathering send's buffers: {@code buffers[offset .. offset+length)}, 1 to
     * {@link #MAX_GATHERED_BUFFERS} of them, none null.
     *
     * @throws NullPointerException      for a null array or a null buffer in the range
     * @throws IndexOutOfBoundsException for a range outside the array
     * @throws IllegalArgumentException  for a length outside 1 to {@link #MAX_GATHERED_BUFFERS}
     */
    public static void gather(ByteBuffer[] buffers, int offset, int length) {
        Objects.requireNonNull(buffers, "buffers");
        if (length < 1 || length > MAX_GATHERED_BUFFERS) {
            throw new IllegalArgumentException("a send takes 1 to " + MAX_GATHERED_BUFFERS + " buffers, not " + length);
        }
        Objects.checkFromIndexSize(offset, length, buffers.length);
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i] == null) {
                // Not requireNonNull(x, "buffers[" + i + "]"): that builds the message on every call.
                throw new NullPointerException("buffers[" + i + "]");
            }
        }
    }

    /**
     * A send-file's source: an open file, and a range of 1 or more bytes that starts at or after
     * 0 and ends within {@code long} (where it ends relative to the file's size is the
     * completion's business: a file may grow or shrink while the operation waits).
     *
     * @throws NullPointerException     for a null file
     * @throws IllegalArgumentException for a closed file, a negative position, a count below 1,
     *                                  or a range that overflows
     */
    public static void sendFile(FileChannel file, long position, int count) {
        Objects.requireNonNull(file, "file");
        if (position < 0) {
            throw new IllegalArgumentException("file position must not be negative: " + position);
        }
        if (count < 1) {
            throw new IllegalArgumentException("a send-file takes 1 or more bytes, not " + count);
        }
        if (position > Long.MAX_VALUE - count) {
            throw new IllegalArgumentException("file range overflows: " + count + " bytes from " + position);
        }
        if (!file.isOpen()) {
            throw new IllegalArgumentException("cannot send from a closed file channel: " + file);
        }
    }

    /**
     * A send's segments: 1 to {@link #MAX_GATHERED_BUFFERS} of them, none of negative length.
     *
     * @return how many segments there are
     * @throws NullPointerException     for null segments
     * @throws IllegalArgumentException for a count outside 1 to {@link #MAX_GATHERED_BUFFERS}, or
     *                                  a negative length
     */
    public static int segments(SendSegments segments) {
        Objects.requireNonNull(segments, "segments");
        int count = segments.count();
        if (count < 1 || count > MAX_GATHERED_BUFFERS) {
            throw new IllegalArgumentException("a send takes 1 to " + MAX_GATHERED_BUFFERS + " buffers, not " + count);
        }
        for (int i = 0; i < count; i++) {
            if (segments.length(i) < 0) {
                throw new IllegalArgumentException("segment " + i + " has a negative length: " + segments.length(i));
            }
        }
        return count;
    }

    /**
     * A socket that passes descriptors: a Unix-domain stream socket, the only kind that carries
     * {@code SCM_RIGHTS} here.
     *
     * @throws NullPointerException     for a null socket
     * @throws IllegalArgumentException for a TCP or datagram socket
     */
    public static void descriptorSocket(PortSocket socket) {
        Objects.requireNonNull(socket, "socket");
        if (socket instanceof DatagramPortSocket || socket.family() != StandardProtocolFamily.UNIX) {
            throw new IllegalArgumentException("descriptors pass over Unix-domain stream sockets only, not " + socket);
        }
    }

    /**
     * The descriptors one message sends: 1 to {@link #MAX_PASSED_DESCRIPTORS} of them, none
     * negative. (Whether each is open is checked as the port duplicates them, see
     * {@link CompletionPort#submitSendDescriptors}.)
     *
     * @throws NullPointerException     for a null array
     * @throws IllegalArgumentException for a count outside 1 to {@link #MAX_PASSED_DESCRIPTORS}, or
     *                                  a negative descriptor
     */
    public static void descriptors(int[] descriptors) {
        Objects.requireNonNull(descriptors, "descriptors");
        if (descriptors.length < 1 || descriptors.length > MAX_PASSED_DESCRIPTORS) {
            throw new IllegalArgumentException("a message carries 1 to " + MAX_PASSED_DESCRIPTORS + " descriptors, not "
                    + descriptors.length);
        }
        for (int fd : descriptors) {
            if (fd < 0) {
                throw new IllegalArgumentException("not a descriptor: " + fd);
            }
        }
    }

    /** A shutdown's direction. @throws NullPointerException for a null mode */
    public static ShutdownMode shutdownMode(ShutdownMode mode) {
        return Objects.requireNonNull(mode, "mode");
    }
}
