package dev.iocp.channel;

import dev.iocp.port.Errno;
import dev.iocp.port.PortSocket;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;

/**
 * What the socket channels of this transport share: a {@link PortSocket} attached to the
 * event loop's completion port, the operations in flight on it, and a close that waits for them.
 *
 * <p><b>Closing with operations in flight.</b> The kernel may still write into a receive buffer
 * or read from a send buffer until the operation's completion arrives. So a close first cancels
 * what is in flight and only proceeds (releasing buffers, failing queued writes, closing the
 * socket) once those completions are in — the same rule the port keeps, one level up.
 */
abstract class AbstractIocpChannel extends AbstractChannel {
    final PortSocket socket;
    volatile boolean active;
    /** Our registration, for submitting; cancel through {@link #ioRegistration}. */
    IocpIoRegistration registration;
    /** What the event loop returned: a wrapper that counts the loop's registrations. */
    private IoRegistration ioRegistration;
    volatile SocketAddress local;
    volatile SocketAddress remote;

    /** The receive (or accept) in flight, 0 if none. */
    long readId;
    /** Whether a read was asked for (read() or auto-read) and not yet satisfied. */
    boolean readPending;
    /**
     * Set when a close begins: from then on nothing new is submitted, so the operations it
     * cancelled are the last ones and the close can finish once they complete.
     */
    boolean closing;

    AbstractIocpChannel(Channel parent, PortSocket socket, boolean active) {
        super(parent);
        this.socket = socket;
        this.active = active;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active && socket.isOpen();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop ioLoop && ioLoop.isCompatible(AbstractIocpUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        if (registration != null) {
            // The socket stays attached to the port of its first loop (and that port's thread).
            promise.setFailure(new IllegalStateException(
                    "an Iocp channel cannot be registered again after deregistration: " + this));
            return;
        }
        ((IoEventLoop) eventLoop()).register((AbstractIocpUnsafe) unsafe()).addListener(f -> {
            if (!f.isSuccess()) {
                promise.setFailure(f.cause());
                return;
            }
            IoRegistration wrapper = (IoRegistration) f.getNow();
            IocpIoRegistration r = wrapper.attachment();
            try {
                r.attach(socket);
            } catch (RuntimeException e) {
                wrapper.cancel();
                promise.setFailure(e);
                return;
            }
            ioRegistration = wrapper;
            registration = r;
            promise.setSuccess(); // channelRegistered, and channelActive for an accepted channel
            afterRegistration();
        });
    }

    /** The channel is registered, and its first events (channelRegistered, channelActive) have fired. */
    void afterRegistration() {
    }

    @Override
    protected void doDeregister() {
        if (registration != null) {
            cancelInFlight();
            ioRegistration.cancel(); // unregistered() follows once the cancelled operations complete
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(portAddress(localAddress));
        local = channelAddress(socket.localAddress());
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        if (!socket.isOpen()) {
            return;
        }
        if (registration != null && (registration.isValid() || socket.pendingOperations() > 0)) {
            registration.submitClose(); // the port cancels what is left and closes the descriptor
        } else {
            socket.close();
        }
    }

    /**
     * The address the port takes for one a user gave to bind or connect this channel: an
     * {@link InetSocketAddress} as it is; a Unix-domain channel turns Netty's address type into
     * the JDK's.
     */
    SocketAddress portAddress(SocketAddress address) {
        return checkInet(address);
    }

    /** The address this channel reports for one the port returned (a Unix-domain channel's own kind). */
    SocketAddress channelAddress(SocketAddress portAddress) {
        return portAddress;
    }

    static InetSocketAddress checkInet(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            throw new UnsupportedOperationException("unsupported address type: " + address.getClass().getName());
        }
        if (inet.isUnresolved()) {
            throw new java.nio.channels.UnresolvedAddressException();
        }
        return inet;
    }

    /**
     * Auto-read was switched off: no receive (or accept) stays in flight unless a read() asked
     * for one, so nothing more is taken from the kernel until the application asks.
     */
    void autoReadCleared() {
        if (!isRegistered()) {
            readPending = false;
        } else if (eventLoop().inEventLoop()) {
            cancelRead();
        } else {
            eventLoop().execute(this::cancelRead);
        }
    }

    private void cancelRead() {
        readPending = false;
        if (readId != 0 && registration != null && registration.isValid() && socket.isOpen() && !config().isAutoRead()) {
            registration.submitCancel(readId);
        }
    }

    /** Submits cancellations for every operation of this channel in flight. */
    abstract void cancelInFlight();

    /** Whether any operation other than a close is in flight. */
    abstract boolean hasInFlight();

    /**
     * The {@link io.netty.channel.IoHandle} of the channel: receives its completions and owns the
     * delayed close.
     */
    abstract class AbstractIocpUnsafe extends AbstractUnsafe implements IocpIoHandle {
        private DelayedClose delayedClose;

        @Override
        public final void handle(IoRegistration registration, IoEvent ioEvent) {
            IocpIoEvent event = (IocpIoEvent) ioEvent;
            int result = event.result();
            try {
                switch (event.operation()) {
                    case RECEIVE, ACCEPT, RECEIVE_DESCRIPTORS -> readComplete(result, event.flags(), event.operationId());
                    case SEND, SEND_FILE, SEND_DESCRIPTORS -> writeComplete(result, event.flags(), event.operationId());
                    case CONNECT -> connectComplete(result);
                    case PEER_CLOSED -> peerClosureWatchComplete(result);
                    case CLOSE -> closeComplete();
                    default -> { } // CANCEL, SHUTDOWN: nothing waits on them
                }
            } catch (Throwable t) {
                // The transport's own handling failed (handlers' exceptions never get here: the
                // pipeline routes them). The channel's state is unknown, so it is not left
                // silently open with nothing in flight: report and close.
                pipeline().fireExceptionCaught(t);
                close(voidPromise());
            } finally {
                finishDelayedClose();
            }
        }

        /** Completes a close that waited for its cancelled operations, once the last is in. */
        private void finishDelayedClose() {
            if (delayedClose != null && !hasInFlight()) {
                DelayedClose close = delayedClose;
                delayedClose = null;
                super.close(close.promise, close.cause, close.closeCause);
            }
        }

        abstract void readComplete(int result, int flags);

        /** A receive (or accept) completed; channels with several in flight tell them apart by id. */
        void readComplete(int result, int flags, long operationId) {
            readComplete(result, flags);
        }

        /** A send completed; with {@link dev.iocp.port.CompletionFlags#MORE} its last completion follows. */
        void writeComplete(int result, int flags, long operationId) {
        }

        void connectComplete(int result) {
        }

        /** A {@linkplain dev.iocp.port.CompletionPort#submitPeerClosureWatch peer-closure watch} completed. */
        void peerClosureWatchComplete(int result) {
        }

        /** The socket is closed and nothing of it is in flight: release the registration. */
        private void closeComplete() {
            if (ioRegistration != null) {
                ioRegistration.cancel();
            }
        }

        /** Set by a graceful close while flushed data is still being sent. */
        boolean closeWhenFlushed;

        /**
         * The event loop is shutting down: send what was flushed, then close. (A close() of the
         * channel itself still closes at once, failing what was not sent, as with NIO.)
         */
        @Override
        public void close() {
            if (hasPendingWrites()) {
                closeWhenFlushed = true;
            } else {
                close(voidPromise());
            }
        }

        @Override
        public void abort() {
            close(voidPromise());
        }

        /** Whether flushed data is still being sent. */
        boolean hasPendingWrites() {
            return false;
        }

        @Override
        protected void close(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
            if (closeFuture().isDone()) {
                safeSetSuccess(promise);
                return;
            }
            if (delayedClose != null) {
                succeedWhenClosed(promise);
                return;
            }
            closing = true;
            beforeClose();
            if (delayedClose != null || closeFuture().isDone()) {
                // beforeClose fired events (channelReadComplete), whose handler closed already.
                succeedWhenClosed(promise);
                return;
            }
            if (registration == null || !hasInFlight()) {
                super.close(promise, cause, closeCause);
                return;
            }
            // Wait for the cancelled operations' completions before buffers are released.
            delayedClose = new DelayedClose(promise.isVoid() ? newPromise() : promise, cause, closeCause);
            cancelInFlight();
        }

        /** A close already under way: {@code promise} succeeds when the channel is closed, as Netty's do. */
        private void succeedWhenClosed(ChannelPromise promise) {
            if (!promise.isVoid()) {
                closeFuture().addListener(f -> promise.trySuccess());
            }
        }

        @Override
        public boolean isCancellingForClose() {
            return delayedClose != null;
        }

        /** Fails a pending connect and the like before the close proceeds. */
        void beforeClose() {
        }

        @Override
        public void unregistered() {
        }

        @Override
        public void registered() {
        }
    }

    /** A close waiting for the completions of the operations it cancelled. */
    private record DelayedClose(ChannelPromise promise, Throwable cause, ClosedChannelException closeCause) {
    }

    /** An IOException for a failed completion, naming the operation and the peer. */
    IOException failure(String operation, int result) {
        SocketAddress address = remote != null ? remote : local;
        return dev.iocp.port.PortException.of(operation, address, result);
    }

    static boolean isCancelled(int result) {
        return result == -Errno.ECANCELED;
    }
}
