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

    static IocpIoOps accept() {
        return new Accept();
    }

    static IocpIoOps connect(SocketAddress remote) {
        return new Connect(Objects.requireNonNull(remote, "remote"));
    }

    static IocpIoOps receive(ByteBuffer buffer) {
        return new Receive(Objects.requireNonNull(buffer, "buffer"));
    }

    static IocpIoOps send(ByteBuffer... buffers) {
        return new Send(buffers.clone());
    }

    static IocpIoOps sendFile(FileChannel file, long position, int count) {
        return new SendFile(Objects.requireNonNull(file, "file"), position, count);
    }

    static IocpIoOps shutdown(ShutdownMode mode) {
        return new Shutdown(Objects.requireNonNull(mode, "mode"));
    }

    static IocpIoOps cancel(long operationId) {
        return new Cancel(operationId);
    }

    static IocpIoOps close() {
        return new Close();
    }

    record Accept() implements IocpIoOps {
    }

    record Connect(SocketAddress remote) implements IocpIoOps {
    }

    record Receive(ByteBuffer buffer) implements IocpIoOps {
    }

    record Send(ByteBuffer[] buffers) implements IocpIoOps {
    }

    record SendFile(FileChannel file, long position, int count) implements IocpIoOps {
    }

    record Shutdown(ShutdownMode mode) implements IocpIoOps {
    }

    record Cancel(long operationId) implements IocpIoOps {
    }

    record Close() implements IocpIoOps {
    }
}
