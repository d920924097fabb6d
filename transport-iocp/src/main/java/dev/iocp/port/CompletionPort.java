package dev.iocp.port;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An I/O completion port: sockets, the operations submitted on them, and the queue of their
 * completions. See the {@linkplain dev.iocp.port package documentation} for the rules every
 * backend keeps.
 *
 * <p><b>Threads.</b> The first thread to register, submit or dequeue owns the port; only it may
 * do those things and close the port. {@link #post} and {@link #wakeup} may be called from any
 * thread. Sockets are opened by the {@link Backend} from any thread and join a port when they
 * are {@linkplain #register registered}.
 *
 * <p><b>Operation ids.</b> Every {@code submit*} method returns a non-zero id that the
 * completion carries back and that {@link #submitCancel} takes. Submitting never runs the
 * handler and never blocks; when the backend's submission queue is full the operation waits
 * in the port and reaches the kernel with the next batch.
 *
 * <p><b>Refused submissions.</b> A {@code submit*} method either returns an id, and then the
 * operation completes exactly once, or throws, and then nothing was submitted: no operation
 * is pending, no buffer is held, and {@link #close()} has nothing to wait for. It throws
 * {@link NullPointerException} for a null argument, {@link IllegalArgumentException} for one
 * the operation cannot take (an unresolved address or one of another family than the socket's,
 * a read-only buffer to receive into, a heap buffer where the backend needs direct memory, a
 * gathering send of 0 or more than {@link #MAX_GATHERED_BUFFERS} buffers or
 * segments, a segment of negative length, a closed file or a bad range to send from, a stream
 * operation on a {@link DatagramPortSocket} or a datagram operation on any other socket),
 * {@link IndexOutOfBoundsException} for a range outside its array, and
 * {@link IllegalStateException} for a closed port or socket or the wrong thread.
 *
 * <p><b>Buffers.</b> Buffers must be direct. The port does not move their positions: a receive
 * writes {@code result} bytes starting at the buffer's position, a send reads from each buffer's
 * position. The port keeps the buffers reachable until the completion is dequeued; the caller
 * must not free or reuse their memory before then. A send of {@link SendSegments} is read during
 * the submit call only, and its memory is the caller's to keep alive until the completion.
 */
public interface CompletionPort extends AutoCloseable {

    /**
     * Buffers, or {@link SendSegments}, one gathering send takes at most, on every backend:
     * Linux's {@code IOV_MAX}.
     */
    int MAX_GATHERED_BUFFERS = 1024;

    /**
     * Descriptors one message carries at most, sent or received: what a receive's control buffer
     * (the {@code SCM_RIGHTS} message, {@code CMSG_SPACE} of 8 ints) holds.
     */
    int MAX_PASSED_DESCRIPTORS = 8;

    /**
     * The backend that runs this port.
     *
     * @return the backend that opened this port, whose sockets it takes
     */
    Backend backend();

    /**
     * Associates a socket of this port's backend with a key that every completion of its
     * operations carries, as {@code CreateIoCompletionPort} associates a handle with a completion
     * key. A socket can be registered once; from then on the port owns it and closes it when the
     * port closes.
     *
     * @param socket a socket opened by this port's backend, not registered yet
     * @param key    the value every completion of the socket's operations carries, any value
     * @throws IllegalArgumentException for a socket of another backend
     * @throws IllegalStateException    for a socket registered already (with this port or another),
     *                                  a closed port, or a call from another thread than the owner
     */
    void register(PortSocket socket, long key);

    /**
     * Turns the result of a successful {@link Operation#ACCEPT} completion into a socket, not yet
     * registered. Must be called from the completion handler: a connection not adopted by the
     * time {@link #dequeue} returns is closed, so that declining one leaks nothing.
     *
     * <p>The socket's {@link PortSocket#remoteAddress()} is the peer address the accept itself
     * returned: it never fails and is never null, also for a connection the peer reset before
     * it was accepted (where {@code getpeername} would say ENOTCONN). Such a connection's first
     * receive completes with {@code -ECONNRESET} (or 0).
     *
     * @param listener     the listening socket the accept was submitted on
     * @param acceptResult the accept completion's {@code result} (positive)
     * @return the accepted connection, open and not registered: the caller registers it on a port
     *         of this backend, or closes it
     * @throws IllegalArgumentException for a result that is not that of an accept completion being
     *                                  handled
     * @throws IOException              where a backend cannot build the socket; neither io_uring
     *                                  nor nio throws it
     */
    PortSocket adoptAccepted(PortSocket listener, int acceptResult) throws IOException;

    /**
     * Accepts one connection on a listening socket. The completion carries
     * {@link CompletionFlags#INPUT_PENDING} when more connections were waiting in the accept
     * queue after this one, so a caller can accept again at once; its absence does not mean the
     * queue is empty (see {@link CompletionFlags#INPUT_PENDING} for where it is never set).
     *
     * @param listener a bound, listening stream socket registered on this port
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is the new connection's handle for {@link #adoptAccepted},
     *         or {@code -errno}
     */
    long submitAccept(PortSocket listener);

    /**
     * Connects to a remote address of the socket's kind: a resolved {@code InetSocketAddress}
     * for TCP, a Unix-domain address for a {@code UNIX} socket (see {@link PortSocket}).
     *
     * @param socket a socket registered on this port
     * @param remote the peer to connect to
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is 0 once connected, or {@code -errno}
     * @throws IllegalArgumentException for an address of another kind or family than the socket's,
     *                                  an unresolved one, or a datagram socket (it connects with
     *                                  {@link DatagramPortSocket#connect})
     */
    long submitConnect(PortSocket socket, SocketAddress remote);

    /**
     * Receives up to {@code buffer.remaining()} bytes into {@code buffer}, from its position.
     *
     * @param socket a socket registered on this port
     * @param buffer a direct, writable buffer, kept by the port until the completion
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is the count of bytes received, 0 at the end of input, or
     *         {@code -errno}
     * @throws IllegalArgumentException for a read-only buffer, or a datagram socket
     * @throws IllegalStateException    while a {@linkplain #submitReceiveStream stream receive} is in
     *                                  flight on the socket
     */
    long submitReceive(PortSocket socket, ByteBuffer buffer);

    /**
     * Receives into memory the port provides when data arrives, instead of into a buffer
     * committed up front: a connection waiting for data holds no receive buffer of its own.
     *
     * <p>The operation stays armed and completes many times: each arrival of data completes as
     * {@link Operation#RECEIVE} with the byte count (always positive) and
     * {@link CompletionFlags#MORE}, and while the handler runs {@link #receivedBytes()} holds those
     * bytes. {@link CompletionFlags#INPUT_PENDING} may be set as on {@link #submitReceive}. The
     * stream ends with one final completion, without {@code MORE} and never with data: {@code 0}
     * at the end of input, {@code -errno} on failure, {@code -ECANCELED} after
     * {@link #submitCancel} or when the socket is closed. Until then no other receive may be
     * submitted on the socket. To stop data arriving (back-pressure), cancel the operation: data
     * that arrived before the cancellation took effect is still delivered, before the final
     * completion.
     *
     * <p>Memory: the port's buffers are shared by all its sockets and bounded per port, not per
     * connection; io_uring uses a provided buffer ring with a multishot receive, nio reads into
     * the port's buffer when the socket is readable. Bytes {@linkplain #takeReceived taken} are
     * the taker's: what they keep of a source's buffer is not counted against the port.
     *
     * <p>A socket has one stream receive at a time, and none beside other receives: this is
     * refused with {@link IllegalStateException} while a receive of either kind is in flight on
     * the socket, and {@link #submitReceive} is refused while a stream receive is (until its
     * final completion has been delivered).
     *
     * @param socket a socket registered on this port
     * @return the operation's id, non-zero, which each of its completions carries and
     *         {@link #submitCancel} takes
     * @throws IllegalArgumentException for a datagram socket
     * @throws IllegalStateException    while a receive of either kind is in flight on the socket
     */
    long submitReceiveStream(PortSocket socket);

    /**
     * The bytes of the {@link #submitReceiveStream stream receive} completion being handled,
     * between the buffer's position and its limit ({@code result} bytes). Valid only until the
     * handler returns: the port reuses the memory afterwards, so a caller that keeps the data
     * copies it. The buffer is read-only in spirit: writing to it or keeping it is a bug.
     *
     * @return a view of the arrived bytes, valid while the handler runs
     * @throws IllegalStateException when no stream receive completion is being handled
     */
    ByteBuffer receivedBytes();

    /**
     * Has the port's stream receives land in buffers from {@code source} from now on, so that
     * {@link #takeReceived()} can hand an arrival on without a copy. Must be called before the
     * port's first {@link #submitReceiveStream stream receive}, at most once.
     *
     * @param source where the port takes the buffers its stream receives land in
     * @return whether the port took the source; false when its backend cannot use one (then
     *         {@link #takeReceived()} always returns null)
     * @throws NullPointerException for a null source
     * @throws IllegalStateException after the first stream receive, or when a source is set already
     */
    boolean receiveBuffersFrom(ReceiveBufferSource<?> source);

    /**
     * The bytes of the {@link #submitReceiveStream stream receive} completion being handled (the
     * same as {@link #receivedBytes()}, all of them, wherever a caller has moved that view's
     * position), as a buffer of the {@link #receiveBuffersFrom source}'s that the caller then
     * owns and must release: no copy is made. At most once per completion.
     *
     * @param <B> the source's buffer type
     * @return the buffer, or null when these bytes cannot be handed on without a copy (the port
     *         has no source, or a decorator delivers the arrival in parts): the caller then
     *         copies them from {@link #receivedBytes()}
     * @throws IllegalStateException when no stream receive completion is being handled, or its
     *                               bytes were taken already
     */
    <B> B takeReceived();

    /**
     * Sends the remaining bytes of one buffer (possibly partially: see the result).
     *
     * @param socket a socket registered on this port
     * @param buffer a buffer whose remaining bytes are sent; kept by the port until the completion
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is the count of bytes sent, which may be fewer than offered,
     *         or {@code -errno}
     * @throws IllegalArgumentException for a heap buffer where the backend needs direct memory, or
     *                                  a datagram socket
     */
    long submitSend(PortSocket socket, ByteBuffer buffer);

    /**
     * Gathering send: the remaining bytes of {@code buffers[offset .. offset+length)} in one
     * operation, in order. The result may be fewer bytes than offered.
     *
     * @param socket a socket registered on this port
     * @param buffers the buffers, of which {@code length} from {@code offset} on are sent; kept by
     *                the port until the completion
     * @param offset  the index of the first buffer to send
     * @param length  how many buffers to send, 1 to {@link #MAX_GATHERED_BUFFERS}
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is the count of bytes sent, or {@code -errno}
     * @throws IndexOutOfBoundsException for a range outside the array
     * @throws IllegalArgumentException  for a length outside 1 to {@link #MAX_GATHERED_BUFFERS}, or
     *                                   a datagram socket
     */
    long submitSend(PortSocket socket, ByteBuffer[] buffers, int offset, int length);

    /**
     * Sends up to {@code count} bytes of a file, from {@code position} on, without copying them
     * through Java memory: io_uring splices them from the page cache through a pipe into the
     * socket, nio has the JDK {@code sendfile} them. Completes as {@link Operation#SEND_FILE} with
     * the count sent, which may be fewer than {@code count} (the caller submits again for the
     * rest), with 0 when the file ends at or before {@code position}, or with {@code -errno}.
     *
     * <p>The file's position is not used or moved. The port keeps what it reads the file through
     * open until the completion is dequeued, so closing {@code file} meanwhile is safe; a file
     * closed before the submission is refused ({@link IllegalArgumentException}), as are a
     * negative position, a count below 1 and a range past {@link Long#MAX_VALUE}.
     *
     * <p>Reading the file may wait for the disk where the range is not in the page cache: on
     * nio in the dequeue that sends it, on io_uring in an io-wq worker where the port can read the
     * channel's descriptor, else in this call. A result of {@code -EOPNOTSUPP} means the port
     * cannot send from this file at all (io_uring with neither the descriptor nor {@code /proc});
     * the caller then sends its bytes.
     *
     * @param socket a socket registered on this port
     * @param file     an open file to send from
     * @param position where in the file to start, 0 or more
     * @param count    how many bytes to send at most, 1 or more
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws IllegalArgumentException for a closed file, a negative position, a count below 1, a
     *                                  range past {@link Long#MAX_VALUE}, or a datagram socket
     */
    long submitSendFile(PortSocket socket, FileChannel file, long position, int count);

    /**
     * Sends the segments in order in one operation (one segment or a gathering send); the result
     * may be fewer bytes than offered. The port reads the segments during this call only; their
     * memory is the caller's to keep unchanged until the completion is dequeued (see
     * {@link SendSegments}).
     *
     * @param socket a socket registered on this port
     * @param segments 1 to {@link #MAX_GATHERED_BUFFERS} segments of memory, read during this call
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is the count of bytes sent, or {@code -errno}
     * @throws IllegalArgumentException for a segment count outside 1 to
     *                                  {@link #MAX_GATHERED_BUFFERS}, a negative length, or a datagram socket
     */
    long submitSend(PortSocket socket, SendSegments segments);

    /**
     * As {@link #submitSend(PortSocket, SendSegments)}, asking the kernel to send straight from
     * the caller's memory instead of copying it first (io_uring {@code SEND_ZC} and
     * {@code SENDMSG_ZC}, Linux 6.0 and 6.1). The kernel then holds on to the memory past the
     * send's result, until the data is acknowledged (or, to a peer on this host, copied after
     * all). So the send may complete twice: with its result (bytes or {@code -errno}), flagged
     * {@link CompletionFlags#MORE}, as soon as it has one, so that the next send need not wait
     * for the peer; then with 0, its last completion, once the kernel has let go of the memory.
     * The memory rule holds to that last completion. Without {@code MORE} the first completion is
     * the only one. A backend that cannot send without copying (nio; io_uring on kernels without
     * these operations) sends as {@code submitSend} does: one completion.
     *
     * <p>It pays only for large sends to a network device (the kernel's MSG_ZEROCOPY notes say
     * from about 10 KB); to a local peer the kernel copies anyway, later.
     *
     * @param socket a socket registered on this port
     * @param segments as for {@link #submitSend(PortSocket, SendSegments)}; their memory stays the
     *                 kernel's until the send's last completion
     * @return the operation's id, non-zero, which its completions carry and {@link #submitCancel}
     *         takes
     * @throws IllegalArgumentException as {@link #submitSend(PortSocket, SendSegments)}
     */
    long submitZeroCopySend(PortSocket socket, SendSegments segments);

    /**
     * Whether this port can {@linkplain #submitPeerClosureWatch watch for the peer's closure}
     * without receiving. io_uring can (a poll for {@code POLLRDHUP}); nio cannot: java.nio tells
     * a socket is readable, and only a read tells whether that is data or the end of input, and
     * has no way to look without taking the data out ({@code MSG_PEEK}).
     *
     * @return true where {@link #submitPeerClosureWatch} works, false where it throws
     */
    boolean watchesPeerClosure();

    /**
     * Completes as {@link Operation#PEER_CLOSED}, with result 0, once the peer has shut down its
     * output (its FIN has arrived) or the connection has failed (a reset, an error), as
     * {@code POLLRDHUP}, {@code POLLHUP} or {@code POLLERR} say; also at once when that is so
     * already, and when this side has shut its own input down. It takes no data: what arrived
     * before the FIN is still queued, and a receive reads it, then the end of input (0) or the
     * error ({@code -errno}). Until then nothing is reported, however much data arrives, so a
     * caller that is not reading learns that the connection is ending without reading its data.
     * {@code -ECANCELED} after {@link #submitCancel} or when the socket is closed.
     *
     * <p>Each watch completes once; it holds no memory of the caller's, and may be armed beside
     * any other operation of the socket, receives included.
     *
     * @param socket a connected stream socket registered on this port
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws UnsupportedOperationException where {@link #watchesPeerClosure()} is false
     */
    long submitPeerClosureWatch(PortSocket socket);

    /**
     * Whether this port can pass descriptors over Unix-domain stream sockets
     * ({@link #submitSendDescriptors}, {@link #submitReceiveDescriptors}): io_uring can
     * ({@code SCM_RIGHTS} over {@code sendmsg}/{@code recvmsg}); nio cannot: the JDK's channels
     * have no way to send or receive a control message. The same as {@link Backend#passesDescriptors()}.
     *
     * @return true where {@link #submitSendDescriptors} and {@link #submitReceiveDescriptors} work,
     *         false where they throw
     */
    default boolean passesDescriptors() {
        return backend().passesDescriptors();
    }

    /**
     * Sends descriptors to the peer of a Unix-domain stream socket in one message
     * ({@code SCM_RIGHTS}), with one data byte to carry them (a stream message cannot be empty;
     * the byte is 0, as Netty's epoll sends it). Completes as {@link Operation#SEND_DESCRIPTORS}
     * with 1, or {@code -errno}. The kernel reads the message only when the send runs, after this
     * call, so the port sends duplicates made during this call, and closes them when the send
     * completes: the descriptors stay the caller's, who may close them as soon as this returns
     * (the peer receives new descriptors of the same open files).
     *
     * @param socket      a connected Unix-domain stream socket registered on this port
     * @param descriptors 1 to {@link #MAX_PASSED_DESCRIPTORS}, none negative
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws UnsupportedOperationException where {@link #passesDescriptors()} is false
     * @throws IllegalArgumentException      for a socket that is not a Unix-domain stream socket,
     *                                       descriptors out of those bounds, or one that is not
     *                                       open (EBADF); nothing is submitted
     * @throws java.io.UncheckedIOException  wrapping a {@link PortException} where a duplicate
     *                                       cannot be made (EMFILE, ENFILE); nothing is submitted
     */
    long submitSendDescriptors(PortSocket socket, int... descriptors);

    /**
     * Receives one message from a Unix-domain stream socket with the descriptors it carries
     * ({@code SCM_RIGHTS}, taken close-on-exec). Completes as {@link Operation#RECEIVE_DESCRIPTORS}
     * with the count of data bytes taken (up to 64: each descriptor message's carrying byte, and
     * bytes sent before it without descriptors; the port does not hand them on), 0 at the end of
     * input, or {@code -errno}. The descriptors are {@linkplain #adoptReceivedDescriptors adopted}
     * from the handler. A message whose descriptors did not all arrive (the kernel says
     * {@code MSG_CTRUNC}) completes with {@code -EMSGSIZE} when it carried more than
     * {@link #MAX_PASSED_DESCRIPTORS}, with {@code -EMFILE} when the kernel could
     * not install one (this process or the system out of descriptors, a security module's
     * refusal); either way the port has closed every descriptor of it that arrived. Refused, as
     * {@link #submitReceive} is, while a {@linkplain #submitReceiveStream stream receive} is in
     * flight: it would take the messages and the kernel would drop their descriptors.
     *
     * @param socket a connected Unix-domain stream socket registered on this port
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws UnsupportedOperationException where {@link #passesDescriptors()} is false
     * @throws IllegalArgumentException      for a socket that is not a Unix-domain stream socket
     */
    long submitReceiveDescriptors(PortSocket socket);

    /**
     * The descriptors the {@link Operation#RECEIVE_DESCRIPTORS} completion being handled brought,
     * in the order they were sent, handed over to the caller, who closes them (through
     * {@link Backend#closeDescriptor}, or hands them on). Until then they are the port's: those
     * not adopted by the time the handler returns are closed, so that a completion dropped, or a
     * socket closed with a receive in flight, leaks nothing. At most once per completion.
     *
     * @return the descriptors, an empty array when the message carried none
     * @throws IllegalStateException when no successful descriptor receive is being handled, or its
     *                               descriptors were adopted already
     */
    int[] adoptReceivedDescriptors();

    /**
     * Whether the datagrams of one socket whose {@linkplain #submitSendTo sends} are in flight
     * together leave in the order they were submitted, even when they wait for room in the
     * socket's send buffer. nio's do: each socket's sends wait in one queue, oldest first. io_uring
     * gives no such order: sends that find the send buffer full each wait on an internal poll, and
     * the socket's wait queue wakes the newest first; so a caller that needs the order (a datagram
     * channel, as NIO's and epoll's keep it) submits its sends as one batch where this is false
     * ({@link #submitSendsTo}), or one at a time.
     *
     * <p>False unless a port says otherwise: it is the safe answer.
     *
     * @return true where datagram sends in flight together leave in submission order
     */
    default boolean keepsDatagramSendOrder() {
        return false;
    }

    /**
     * Sends the remaining bytes of {@code buffer} as one datagram from a
     * {@link DatagramPortSocket}, to {@code target}, or, when {@code target} is null, to the
     * peer the socket is {@linkplain DatagramPortSocket#connect connected} to. Completes as
     * {@link Operation#SEND} with the byte count (the whole datagram: a datagram is never sent
     * in part) or {@code -errno}: {@code -EMSGSIZE} for one too large, {@code -EDESTADDRREQ}
     * without a target on a socket that is not connected, {@code -ECONNREFUSED} on a connected
     * socket whose peer answered an earlier datagram with an ICMP error.
     *
     * @param socket a datagram socket registered on this port
     * @param buffer the datagram: its remaining bytes; kept by the port until the completion
     * @param target where to send it, or null for the connected peer
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws IllegalArgumentException for a socket that is not a datagram socket, or an
     *                                  unresolved target or one of another family than the socket's
     */
    long submitSendTo(PortSocket socket, ByteBuffer buffer, InetSocketAddress target);

    /**
     * Sends datagrams from one {@link DatagramPortSocket} one after another, in the order given:
     * datagram {@code i} is the remaining bytes of {@code buffers[i]}, to {@code targets[i]} (null:
     * the connected peer), for {@code i} from 0 to {@code count - 1}. Each is an operation of its
     * own, whose id is written to {@code ids[i]} and which completes as {@link #submitSendTo}'s
     * does; but one starts only once the one before it has its result, so they leave in order
     * also where {@link #keepsDatagramSendOrder()} is false. io_uring links their requests into
     * one {@code IOSQE_IO_LINK} chain; nio queues them as it queues any socket's sends.
     *
     * <p>The port may take only the first of them: io_uring takes as many as its submission queue
     * holds (a chain reaches the kernel whole or not at all), nio takes all. The caller submits
     * the rest once the completions of those taken are in. Sends submitted on the socket apart
     * from a batch, or in another batch, are not ordered with it.
     *
     * <p><b>A send that cannot go in its turn ends the batch.</b> Where one fails, or the port has
     * to submit it again (on io_uring, a send woken 128 times without finding room in the send
     * buffer: the port re-arms it, alone), those after it may complete with {@code -ECANCELED}
     * without having been sent: io_uring cancels the rest of a chain whose link did not succeed.
     * Such a send was not sent at all; a caller that wants it sent submits it again, after every
     * completion of the batch is in, since the send that ended the batch may still go after
     * them. nio never cancels a batch this way. As for any operation, {@code -ECANCELED} also
     * follows {@link #submitCancel} or a close of the socket. Cancelling the send of a batch
     * under way ends the sends after it too; but on io_uring a send that has not started yet
     * cannot be cancelled (the cancellation finds nothing, {@code -ENOENT}, and the send starts
     * after it), so a caller stopping a batch for good first shuts the socket's sending side
     * ({@link PortSocket#shutdown}: each send that starts after it fails, {@code -EPIPE}, and ends
     * the batch; Linux shuts an unconnected UDP socket's too, though it answers {@code ENOTCONN}),
     * then cancels all of it. A close of the socket does both itself.
     *
     * @param socket  a datagram socket registered on this port
     * @param buffers the datagrams, each its buffer's remaining bytes; kept by the port until each
     *                one's completion
     * @param targets where each goes; null elements for the connected peer
     * @param count   how many of the arrays' first elements to send, 1 or more
     * @param ids     receives the operation id of each send taken
     * @return how many sends were taken, from 1 to {@code count}: {@code ids[0 .. taken)} are theirs
     * @throws NullPointerException      for a null array, or a null buffer among the first {@code count}
     * @throws IndexOutOfBoundsException for a {@code count} beyond the length of an array
     * @throws IllegalArgumentException  for a {@code count} below 1, or as {@link #submitSendTo}
     *                                   for any one of the sends (naming it); nothing is sent then
     */
    int submitSendsTo(PortSocket socket, ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids);

    /**
     * Receives one datagram from a {@link DatagramPortSocket} into {@code buffer}, from its
     * position. Completes as {@link Operation#RECEIVE} with the datagram's length (0 for an empty
     * datagram, which is not an end: datagram sockets have none) and its sender in
     * {@link #receivedFrom()}, with {@link CompletionFlags#TRUNCATED} when it did not fit; or
     * with {@code -errno}, e.g. {@code -ECONNREFUSED} on a connected socket after an ICMP error.
     * Several may be in flight on one socket: each takes the next datagram.
     *
     * @param socket a datagram socket registered on this port
     * @param buffer a direct, writable buffer, kept by the port until the completion
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes
     * @throws IllegalArgumentException for a socket that is not a datagram socket, or a read-only
     *                                  buffer
     */
    long submitReceiveFrom(PortSocket socket, ByteBuffer buffer);

    /**
     * The sender of the datagram whose {@link #submitReceiveFrom receive-from} completion is being
     * handled. Valid only while the handler runs.
     *
     * @return the sender's address
     * @throws IllegalStateException when no successful receive-from completion is being handled
     */
    InetSocketAddress receivedFrom();

    /**
     * Shuts down one or both directions of a connected socket.
     *
     * @param socket a connected stream socket registered on this port
     * @param mode   which directions to shut down
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         takes; the completion's result is 0, or {@code -errno}
     * @throws IllegalArgumentException for a datagram socket
     */
    long submitShutdown(PortSocket socket, ShutdownMode mode);

    /**
     * Closes a socket: its operations in flight are cancelled, and the {@link Operation#CLOSE}
     * completion is delivered after each of them has completed. No operation may be submitted on
     * the socket afterwards.
     *
     * <p>A close never blocks the owner, also with SO_LINGER above 0 (where the last close of a
     * socket waits until the peer has acknowledged what is unsent, or the linger time is up): the
     * lingering part runs elsewhere (an io-wq worker on io_uring, a daemon thread on nio) while
     * the owner goes on dequeuing. On io_uring the CLOSE completion comes when the descriptor is
     * released and the linger may go on after it; on nio it comes when the linger is over.
     *
     * @param socket a socket registered on this port
     * @return the operation's id, non-zero, which its completion carries; its result is 0, or
     *         {@code -errno}
     */
    long submitClose(PortSocket socket);

    /**
     * Asks to cancel one operation: of {@code socket}, or, when {@code socket} is null, a timer
     * or no-op. The target still completes (usually with {@code -ECANCELED}); this request
     * completes as {@link Operation#CANCEL}, with the socket's key (0 without a socket) and
     * result 0 if it found the target, {@code -ENOENT} if the target had already completed, or
     * {@code -EALREADY} if it was too far along to stop.
     *
     * @param socket      the socket the target was submitted on, or null for a timer or no-op
     * @param operationId the id the target's submission returned
     * @return this request's own operation id, non-zero
     */
    long submitCancel(PortSocket socket, long operationId);

    /**
     * A timer: completes as {@link Operation#TIMEOUT} with 0 after {@code nanos}, or -ECANCELED.
     *
     * @param key   the key the completion carries
     * @param nanos how long to wait, in nanoseconds
     * @return the operation's id, non-zero, which its completion carries and {@link #submitCancel}
     *         (with a null socket) takes
     */
    long submitTimeout(long key, long nanos);

    /**
     * An operation that does nothing and completes with 0.
     *
     * @param key the key the completion carries
     * @return the operation's id, non-zero, which its completion carries
     */
    long submitNop(long key);

    /**
     * Delivers completions to {@code handler}, at most {@code max} of them.
     * Operations submitted since the last call are handed to the kernel first, in the same
     * system call where the backend can. If nothing is ready it waits: up to
     * {@code timeoutNanos}, forever when negative, not at all when 0. A {@link #wakeup()} or
     * {@link #post} from another thread ends the wait.
     *
     * @param handler      what each completion is delivered to, on this thread, before this returns
     * @param max          how many completions to deliver at most, 1 or more
     * @param timeoutNanos how long to wait for a first completion, in nanoseconds: negative for no
     *                     limit, 0 for not at all
     * @return how many completions were delivered (0 after a timeout or a wake-up)
     * @throws IllegalArgumentException for a {@code max} below 1
     * @throws IllegalStateException    for a closed port, a call from another thread than the owner,
     *                                  or a call from within the handler
     * @throws IOException              if the system call that hands operations to the kernel or
     *                                  waits for completions fails
     */
    int dequeue(CompletionHandler handler, int max, long timeoutNanos) throws IOException;

    /**
     * Queues a completion ({@code key}, {@link Operation#POST}, {@code value}) from any thread,
     * like {@code PostQueuedCompletionStatus}, and wakes the owner if it waits.
     *
     * @param key   the key the completion carries
     * @param value the completion's result
     */
    void post(long key, int value);

    /**
     * Makes the owner's current or next wait return, from any thread. Calls before the owner
     * waits again coalesce into one.
     */
    void wakeup();

    /**
     * Operations submitted whose completion has not been delivered yet, over all sockets: a
     * CLOSE whose completion waits for its socket's cancelled operations counts until it is
     * delivered.
     *
     * @return how many operations are in flight, 0 or more; read from another thread than the
     *         owner, a recent value
     */
    int pendingOperations();

    /**
     * This port's counters: completions, dequeues and their batch sizes, kernel entries,
     * submissions, wake-ups and more ({@link PortCounter}). The view is live and read-only, may be
     * read from any thread at any time, also after close, and costs the owner nothing but plain
     * increments.
     *
     * @return the live view of this port's counters, the same object on every call
     */
    PortMetrics metrics();

    /**
     * Cancels every operation in flight, waits for their completions (which are dropped), closes
     * every socket of this port that is still open and frees the port's memory. Called by the
     * owner; idempotent. A socket whose zero-copy sends the kernel still reads from is reset
     * rather than closed gracefully: no cancellation reaches data already handed to the kernel,
     * and dropping it is what lets the kernel give the memory back.
     */
    @Override
    void close() throws IOException;
}
