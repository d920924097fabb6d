package dev.iocp.channel;

import dev.iocp.port.ShutdownMode;
import io.netty.channel.IoOps;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Operations for {@link IocpIoRegistration#submit(IoOps)}, Netty's generic submission API. The
 * channels of this transport call the registration's typed methods instead, which allocate
 * nothing; these exist for other {@link IocpIoHandle}s.
 */
public sealed interface IocpIoOps extends IoOps {

    /**
     * Accepts a connection on the registration's listening socket.
     *
     * @return the operation; its completion's result is the connection's handle for
     *         {@link dev.iocp.port.CompletionPort#adoptAccepted}
     */
    static IocpIoOps accept() {
        return new Accept();
    }

    /**
     * Connects the registration's socket.
     *
     * @param remote the peer, of the socket's kind
     * @return the operation
     * @throws NullPointerException for a null address
     */
    static IocpIoOps connect(SocketAddress remote) {
        return new Connect(Objects.requireNonNull(remote, "remote"));
    }

    /**
     * Receives into a buffer, from its position.
     *
     * @param buffer a direct, writable buffer, untouched until the completion
     * @return the operation
     * @throws NullPointerException for a null buffer
     */
    static IocpIoOps receive(ByteBuffer buffer) {
        return new Receive(Objects.requireNonNull(buffer, "buffer"));
    }

    /**
     * Sends the remaining bytes of the buffers, in order, in one operation.
     *
     * @param buffers 1 to {@link dev.iocp.port.CompletionPort#MAX_GATHERED_BUFFERS} buffers,
     *                untouched until the completion; the array is copied
     * @return the operation
     */
    static IocpIoOps send(ByteBuffer... buffers) {
        return new Send(buffers.clone());
    }

    /**
     * Sends part of a file without copying it through Java memory.
     *
     * @param file     an open file
     * @param position where in the file to start, 0 or more
     * @param count    how many bytes to send at most, 1 or more
     * @return the operation
     * @throws NullPointerException for a null file
     */
    static IocpIoOps sendFile(FileChannel file, long position, int count) {
        return new SendFile(Objects.requireNonNull(file, "file"), position, count);
    }

    /**
     * Shuts down directions of the registration's socket.
     *
     * @param mode which directions
     * @return the operation
     * @throws NullPointerException for a null mode
     */
    static IocpIoOps shutdown(ShutdownMode mode) {
        return new Shutdown(Objects.requireNonNull(mode, "mode"));
    }

    /**
     * Cancels an operation of the registration's socket.
     *
     * @param operationId the id its submission returned
     * @return the operation
     */
    static IocpIoOps cancel(long operationId) {
        return new Cancel(operationId);
    }

    /**
     * Closes the registration's socket once its operations in flight have completed.
     *
     * @return the operation
     */
    static IocpIoOps close() {
        return new Close();
    }

    /** What {@link #accept()} makes. */
    record Accept() implements IocpIoOps {
    }

    /**
     * What {@link #connect} makes.
     *
     * @param remote the peer
     */
    record Connect(SocketAddress remote) implements IocpIoOps {
    }

    /**
     * What {@link #receive} makes.
     *
     * @param buffer the buffer to receive into
     */
    record Receive(ByteBuffer buffer) implements IocpIoOps {
    }

    /**
     * What {@link #send} makes.
     *
     * @param buffers the buffers to send, in order
     */
    record Send(ByteBuffer[] buffers) implements IocpIoOps {
    }

    /**
     * What {@link #sendFile} makes.
     *
     * @param file     the file
     * @param position where in the file to start
     * @param count    how many bytes to send at most
     */
    record SendFile(FileChannel file, long position, int count) implements IocpIoOps {
    }

    /**
     * What {@link #shutdown} makes.
     *
     * @param mode which directions
     */
    record Shutdown(ShutdownMode mode) implements IocpIoOps {
    }

    /**
     * What {@link #cancel} makes.
     *
     * @param operationId the id of the operation to cancel
     */
    record Cancel(long operationId) implements IocpIoOps {
    }

    /** What {@link #close()} makes. */
    record Close() implements IocpIoOps {
    }
}
