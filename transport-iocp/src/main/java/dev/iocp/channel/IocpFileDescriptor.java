package dev.iocp.channel;

import dev.iocp.port.Backend;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;

/**
 * A descriptor an {@link IocpDomainSocketChannel} received from its peer
 * ({@code DomainSocketReadMode.FILE_DESCRIPTORS}): Netty's {@link FileDescriptor}, so that code
 * written for epoll ({@code if (msg instanceof FileDescriptor fd) ... fd.intValue() ... fd.close()})
 * runs unchanged.
 *
 * <p>The receiving application owns it and closes it: the transport does not, also when a handler
 * drops the message (as with epoll, whose {@code FileDescriptor} is not reference-counted either,
 * so the pipeline's end does not close it). {@link #close()} closes it through the port's backend,
 * once however often it is called and from any thread; {@link #isOpen()} says whether it has been.
 * It is close-on-exec.
 *
 * <p>Its {@code read}, {@code write} and {@code writev} methods are Netty's, final and native: they
 * need Netty's epoll or kqueue library, which this transport does not use, and without it throw
 * {@link UnsatisfiedLinkError}. Read or write through the number instead (hand
 * {@link #intValue()} to whatever takes a descriptor), or open {@code /proc/self/fd/}{@code n}.
 */
public final class IocpFileDescriptor extends FileDescriptor {
    private final Backend backend;

    IocpFileDescriptor(int descriptor, Backend backend) {
        super(descriptor);
        this.backend = backend;
    }

    /** Closes the descriptor, the first time only. */
    @Override
    public void close() throws IOException {
        if (markClosed()) {
            backend.closeDescriptor(intValue());
        }
    }
}
