package dev.iocp.channel;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.PortSocket;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * What the listening channels share, TCP ({@link IocpServerSocketChannel}) and Unix-domain
 * ({@link IocpServerDomainSocketChannel}): a listening socket on a completion port whose
 * accept completions become child channels ({@link #newChildChannel}) fired through the
 * pipeline, one accept in flight at a time.
 */
abstract class AbstractIocpServerChannel extends AbstractIocpChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    /** Whether an accept batch delivered a child (so it owes a channelReadComplete). */
    private boolean readInBatch;

    AbstractIocpServerChannel(PortSocket socket) {
        super(null, socket, false);
    }

    /** The channel for a connection this listener accepted. */
    abstract AbstractIocpStreamChannel newChildChannel(PortSocket accepted);

    /** The accept backlog {@code listen(2)} is given when the channel binds. */
    abstract int backlog();

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(backlog());
        local = socket.localAddress();
        active = true;
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        // Inside an accept completion the batch under way decides what comes next.
        if (isActive() && !serverUnsafe().inAcceptComplete) {
            serverUnsafe().scheduleAccept(true);
        }
    }

    @Override
    protected void doDeregister() {
        serverUnsafe().endBatchEarly(); // channelReadComplete before channelUnregistered
        super.doDeregister();
    }

    private ServerUnsafe serverUnsafe() {
        return (ServerUnsafe) unsafe();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a server channel does not write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a server channel does not write");
    }

    @Override
    void cancelInFlight() {
        if (readId != 0 && registration != null && socket.isOpen()) {
            registration.submitCancel(readId);
        }
    }

    @Override
    boolean hasInFlight() {
        return readId != 0;
    }

    @Override
    protected AbstractIocpUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    private final class ServerUnsafe extends AbstractIocpUnsafe {
        /** Whether an accept completion is being handled. */
        boolean inAcceptComplete;

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server channel does not connect"));
        }

        void scheduleAccept(boolean newBatch) {
            if (readId != 0 || closing || !isActive() || registration == null || !registration.isValid()) {
                return;
            }
            if (newBatch) {
                recvBufAllocHandle().reset(config());
                readInBatch = false;
            }
            readId = registration.submitAccept();
        }

        @Override
        void readComplete(int result, int flags) {
            inAcceptComplete = true;
            try {
                acceptComplete(result, flags);
            } finally {
                inAcceptComplete = false;
            }
        }

        @Override
        void beforeClose() {
            if (!inAcceptComplete) {
                endBatchEarly(); // channelReadComplete before channelInactive
            }
        }

        /** Ends the accept batch under way, if it delivered anything. */
        void endBatchEarly() {
            if (readInBatch) {
                endBatch(recvBufAllocHandle(), pipeline());
            }
        }

        private void acceptComplete(int result, int flags) {
            readId = 0;
            if (!registration.isValid() || closing) {
                return; // a connection accepted now is not adopted, so the port closes it
            }
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            if (isCancelled(result)) {
                if (readInBatch) {
                    endBatch(handle, pipeline);
                }
                // A read() that came in while the cancellation was on its way still wants a child.
                if (config().isAutoRead() || readPending) {
                    scheduleAccept(true);
                }
                return;
            }
            // As NIO: an accept attempt satisfies the read() that asked for it, whatever it found.
            readPending = false;
            if (result < 0) {
                // EMFILE, ENFILE, ECONNABORTED...: the batch ends, then the error is reported.
                // ServerBootstrap's acceptor turns auto-read off for a second on it, and with
                // readPending cleared no accept is armed until auto-read (or a read()) asks again:
                // a full descriptor table makes the server pause instead of spin.
                endBatch(handle, pipeline);
                pipeline.fireExceptionCaught(failure("accept", result));
                if (config().isAutoRead()) {
                    scheduleAccept(true);
                }
                return;
            }
            AbstractIocpStreamChannel child;
            try {
                child = adopt(result);
            } catch (Throwable t) {
                endBatch(handle, pipeline);
                pipeline.fireExceptionCaught(t);
                if (config().isAutoRead()) {
                    scheduleAccept(true);
                }
                return;
            }
            handle.incMessagesRead(1);
            readInBatch = true;
            pipeline.fireChannelRead(child);
            // The kernel says whether more connections are queued: only then does the batch go on
            // (else the next accept would hold the batch open until a client comes).
            if ((flags & CompletionFlags.INPUT_PENDING) != 0 && handle.continueReading()) {
                scheduleAccept(false);
                if (readId != 0) {
                    return;
                }
            }
            endBatch(handle, pipeline);
            if (config().isAutoRead() || readPending) {
                scheduleAccept(true);
            }
        }

        /** The accepted connection as a channel; its socket is closed if that fails. */
        private AbstractIocpStreamChannel adopt(int acceptResult) throws IOException {
            PortSocket accepted = registration.port().adoptAccepted(socket, acceptResult);
            try {
                return newChildChannel(accepted);
            } catch (Throwable t) {
                try {
                    accepted.close();
                } catch (IOException | RuntimeException e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
        }

        private void endBatch(RecvByteBufAllocator.Handle handle, ChannelPipeline pipeline) {
            readInBatch = false;
            handle.readComplete();
            pipeline.fireChannelReadComplete();
        }
    }
}
