package dev.iocp.channel;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortSocket;
import dev.iocp.port.SendSegments;
import dev.iocp.port.ShutdownMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An {@link IocpIoHandle} registered with an {@link IocpIoHandler}: its key on the handler's
 * completion port, its socket, and the operations it has in flight.
 *
 * <p>Cancelling a registration does not forget it at once: {@link IocpIoHandle#unregistered()}
 * comes only when every operation submitted through it has completed, because until then the
 * kernel may still use the memory those operations were given.
 *
 * <p>All methods except {@link #isValid()} and {@link #attachment()} must be called on the
 * handler's event loop thread.
 */
public final class IocpIoRegistration implements IoRegistration {
    private final IocpIoHandler handler;
    private final IocpIoHandle handle;
    final int key;
    private PortSocket socket;
    private int inFlight;
    private volatile boolean valid = true;
    private boolean unregistered;

    IocpIoRegistration(IocpIoHandler handler, IocpIoHandle handle, int key) {
        this.handler = handler;
        this.handle = handle;
        this.key = key;
    }

    IocpIoHandle handle() {
        return handle;
    }

    /**
     * The port the handler owns.
     *
     * @return the handler's port, on which this registration's operations run
     */
    public CompletionPort port() {
        return handler.port();
    }

    /**
     * Registers the handle's socket on the port, so its completions come to this registration.
     *
     * @param socket a socket of the port's backend, not registered yet
     * @throws IllegalStateException when a socket is attached already, or as
     *                               {@link CompletionPort#register}
     */
    public void attach(PortSocket socket) {
        if (this.socket != null) {
            throw new IllegalStateException("a socket is attached already: " + this.socket);
        }
        handler.port().register(socket, key);
        this.socket = socket;
    }

    /**
     * The attached socket, or null.
     *
     * @return the socket {@link #attach} registered, or null before
     */
    public PortSocket socket() {
        return socket;
    }

    private PortSocket attachedSocket() {
        if (socket == null) {
            throw new IllegalStateException("no socket attached to this registration");
        }
        if (unregistered) {
            // Its key may already route another handle's completions.
            throw new IllegalStateException("registration is unregistered: " + this);
        }
        return socket;
    }

    private PortSocket requireSocket() {
        attachedSocket();
        if (!valid) {
            throw new IllegalStateException("registration was cancelled");
        }
        return socket;
    }

    /**
     * Accepts a connection on the attached listening socket; see {@link CompletionPort#submitAccept}.
     * The completion's result is the connection's handle for {@link CompletionPort#adoptAccepted}.
     *
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitAccept() {
        long id = port().submitAccept(requireSocket());
        inFlight++;
        return id;
    }

    /**
     * Connects the attached socket; see {@link CompletionPort#submitConnect}.
     *
     * @param remote the peer, of the socket's kind
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitConnect(SocketAddress remote) {
        long id = port().submitConnect(requireSocket(), remote);
        inFlight++;
        return id;
    }

    /**
     * Receives into {@code buffer}, from its position; see {@link CompletionPort#submitReceive}.
     *
     * @param buffer a direct, writable buffer, which must stay untouched until the completion
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitReceive(ByteBuffer buffer) {
        long id = port().submitReceive(requireSocket(), buffer);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#submitSendTo}: one datagram, to {@code target} or (null) the peer.
     *
     * @param buffer the datagram: its remaining bytes, untouched until the completion
     * @param target where to send it, or null for the connected peer
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitSendTo(ByteBuffer buffer, InetSocketAddress target) {
        long id = port().submitSendTo(requireSocket(), buffer, target);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#submitSendsTo}: datagrams sent one after another, in order.
     *
     * @param buffers the datagrams, each its buffer's remaining bytes
     * @param targets where each goes; null elements for the connected peer
     * @param count   how many of the arrays' first elements to send, 1 or more
     * @param ids     receives the operation id of each send taken
     * @return how many the port took, their ids in {@code ids}
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public int submitSendsTo(ByteBuffer[] buffers, InetSocketAddress[] targets, int count, long[] ids) {
        int taken = port().submitSendsTo(requireSocket(), buffers, targets, count, ids);
        inFlight += taken;
        return taken;
    }

    /**
     * See {@link CompletionPort#submitReceiveFrom}: one datagram, its sender in {@link #receivedFrom()}.
     *
     * @param buffer a direct, writable buffer, untouched until the completion
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitReceiveFrom(ByteBuffer buffer) {
        long id = port().submitReceiveFrom(requireSocket(), buffer);
        inFlight++;
        return id;
    }

    /**
     * The sender of the datagram receive completion being handled (see {@link CompletionPort#receivedFrom()}).
     *
     * @return the sender's address
     * @throws IllegalStateException when no successful receive-from completion is being handled
     */
    public InetSocketAddress receivedFrom() {
        return port().receivedFrom();
    }

    /** The loop's scratch for collecting a send's segments (see {@link IocpIoHandler#outboundSegments()}). */
    OutboundSegments outboundSegments() {
        return handler.outboundSegments();
    }

    /**
     * Asks for {@link IocpIoHandle#completionBatchEnded()} when the loop's current batch of completions ends.
     *
     * @param handle the handle to call, usually the caller itself
     */
    public void endBatchLater(IocpIoHandle handle) {
        handler.endBatchLater(handle);
    }

    /**
     * A stream receive: it counts as one operation in flight until its final completion.
     *
     * @return the operation's id, which the {@link IocpIoEvent} of each of its completions carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitReceiveStream() {
        long id = port().submitReceiveStream(requireSocket());
        inFlight++;
        return id;
    }

    /** See {@link IocpIoHandler#offerReceiveAllocator}: before this channel's stream receive is armed. */
    void offerReceiveAllocator(ByteBufAllocator allocator) {
        handler.offerReceiveAllocator(allocator);
    }

    /** See {@link IocpIoHandler#receivesWithoutCopy}. */
    boolean receivesWithoutCopy(ByteBufAllocator allocator) {
        return handler.receivesWithoutCopy(allocator);
    }

    /**
     * The bytes of the stream receive completion being handled (see {@link dev.iocp.port.CompletionPort#receivedBytes()}).
     *
     * @return a view of the arrived bytes, valid while the completion is handled
     * @throws IllegalStateException when no stream receive completion is being handled
     */
    public ByteBuffer receivedBytes() {
        return port().receivedBytes();
    }

    /**
     * The bytes of the stream receive completion being handled as a buffer this channel owns, or
     * null (copy them from {@link #receivedBytes()}); see {@link dev.iocp.port.CompletionPort#takeReceived()}.
     */
    ByteBuf takeReceived() {
        return port().takeReceived();
    }

    /**
     * Sends the remaining bytes of {@code buffers[offset .. offset+length)}; see
     * {@link CompletionPort#submitSend(PortSocket, ByteBuffer[], int, int)}.
     *
     * @param buffers the buffers, which must stay untouched until the completion
     * @param offset  the index of the first buffer to send
     * @param length  how many buffers, 1 to {@link CompletionPort#MAX_GATHERED_BUFFERS}
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitSend(ByteBuffer[] buffers, int offset, int length) {
        long id = port().submitSend(requireSocket(), buffers, offset, length);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#submitSend(PortSocket, SendSegments)}.
     *
     * @param segments the data, read during this call; its memory stays untouched until the
     *                 completion
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitSend(SendSegments segments) {
        long id = port().submitSend(requireSocket(), segments);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#submitZeroCopySend(PortSocket, SendSegments)}.
     *
     * @param segments the data, read during this call; its memory stays untouched until the send's
     *                 last completion
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitZeroCopySend(SendSegments segments) {
        long id = port().submitZeroCopySend(requireSocket(), segments);
        inFlight++;
        return id;
    }

    /**
     * Sends part of a file without copying it through Java memory; see
     * {@link CompletionPort#submitSendFile}.
     *
     * @param file     an open file
     * @param position where in the file to start, 0 or more
     * @param count    how many bytes to send at most, 1 or more
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitSendFile(FileChannel file, long position, int count) {
        long id = port().submitSendFile(requireSocket(), file, position, count);
        inFlight++;
        return id;
    }

    /**
     * Shuts down directions of the attached socket; see {@link CompletionPort#submitShutdown}.
     *
     * @param mode which directions
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     */
    public long submitShutdown(ShutdownMode mode) {
        long id = port().submitShutdown(requireSocket(), mode);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#keepsDatagramSendOrder()}.
     *
     * @return whether datagram sends in flight together leave in submission order
     */
    public boolean keepsDatagramSendOrder() {
        return port().keepsDatagramSendOrder();
    }

    /**
     * See {@link CompletionPort#watchesPeerClosure()}.
     *
     * @return whether {@link #submitPeerClosureWatch()} works on this port
     */
    public boolean watchesPeerClosure() {
        return port().watchesPeerClosure();
    }

    /**
     * See {@link CompletionPort#submitPeerClosureWatch(PortSocket)}.
     *
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     * @throws UnsupportedOperationException where {@link #watchesPeerClosure()} is false
     */
    public long submitPeerClosureWatch() {
        long id = port().submitPeerClosureWatch(requireSocket());
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#passesDescriptors()}.
     *
     * @return whether descriptors can be sent and received on this port
     */
    public boolean passesDescriptors() {
        return port().passesDescriptors();
    }

    /**
     * See {@link CompletionPort#submitSendDescriptors}: the descriptors in one message.
     *
     * @param descriptors 1 to {@link CompletionPort#MAX_PASSED_DESCRIPTORS} open descriptors, which
     *                    stay the caller's
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     * @throws UnsupportedOperationException where {@link #passesDescriptors()} is false
     */
    public long submitSendDescriptors(int... descriptors) {
        long id = port().submitSendDescriptors(requireSocket(), descriptors);
        inFlight++;
        return id;
    }

    /**
     * See {@link CompletionPort#submitReceiveDescriptors}: one message and its descriptors.
     *
     * @return the operation's id, which the {@link IocpIoEvent} of its completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was
     *                               cancelled or unregistered
     * @throws UnsupportedOperationException where {@link #passesDescriptors()} is false
     */
    public long submitReceiveDescriptors() {
        long id = port().submitReceiveDescriptors(requireSocket());
        inFlight++;
        return id;
    }

    /**
     * The descriptors of the descriptor receive completion being handled, now the caller's (see
     * {@link CompletionPort#adoptReceivedDescriptors()}).
     *
     * @return the descriptors, which the caller now closes or hands on; empty when the message
     *         carried none
     * @throws IllegalStateException when no successful descriptor receive is being handled, or its
     *                               descriptors were adopted already
     */
    public int[] adoptReceivedDescriptors() {
        return port().adoptReceivedDescriptors();
    }

    /**
     * Cancels an operation; allowed after {@link #cancel()}, whose operations may still be in flight.
     *
     * @param operationId the id of the operation to cancel
     * @return this request's own operation id; the target completes too, usually with
     *         {@code -ECANCELED}
     * @throws IllegalStateException when no socket is attached, or the registration was unregistered
     */
    public long submitCancel(long operationId) {
        long id = port().submitCancel(attachedSocket(), operationId);
        inFlight++;
        return id;
    }

    /**
     * Closes the socket; allowed after {@link #cancel()}, so a handle can close while deregistering.
     *
     * @return the operation's id, which the {@link IocpIoEvent} of the close completion carries
     * @throws IllegalStateException when no socket is attached, or the registration was unregistered
     */
    public long submitClose() {
        long id = port().submitClose(attachedSocket());
        inFlight++;
        return id;
    }

    /**
     * This registration itself: the event loop hands channels a wrapper (which counts
     * registrations), and the wrapper's attachment is how they reach the typed methods here.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) this;
    }

    @Override
    public long submit(IoOps ops) {
        if (!(ops instanceof IocpIoOps op)) {
            throw new IllegalArgumentException("an IocpIoHandler takes IocpIoOps, not " + ops.getClass().getName());
        }
        handler.checkInEventLoop();
        return switch (op) {
            case IocpIoOps.Accept a -> submitAccept();
            case IocpIoOps.Connect c -> submitConnect(c.remote());
            case IocpIoOps.Receive r -> submitReceive(r.buffer());
            case IocpIoOps.Send s -> submitSend(s.buffers(), 0, s.buffers().length);
            case IocpIoOps.SendFile f -> submitSendFile(f.file(), f.position(), f.count());
            case IocpIoOps.Shutdown s -> submitShutdown(s.mode());
            case IocpIoOps.Cancel c -> submitCancel(c.operationId());
            case IocpIoOps.Close c -> submitClose();
        };
    }

    @Override
    public boolean isValid() {
        return valid;
    }

    @Override
    public boolean cancel() {
        if (!valid) {
            return false;
        }
        valid = false;
        if (inFlight == 0) {
            unregister();
        }
        return true;
    }

    /** A completion of this registration was dequeued. */
    void completed() {
        if (--inFlight == 0 && !valid) {
            unregister();
        }
    }

    /** Operations submitted through this registration that have not completed. */
    int inFlight() {
        return inFlight;
    }

    /** Forgets the registration and tells the handle; once. */
    void unregister() {
        if (!unregistered) {
            unregistered = true;
            valid = false;
            handler.remove(this);
            handle.unregistered();
        }
    }

    @Override
    public String toString() {
        return "IocpIoRegistration[key=" + key + ", " + socket + ", in flight " + inFlight + (valid ? "" : ", cancelled") + "]";
    }
}
