package dev.iocp.channel;

import dev.iocp.port.CompletionPort;

/**
 * Notices that a connection's peer has closed (its FIN) or reset it while the channel is not
 * reading, as epoll's always-armed {@code EPOLLRDHUP} and Netty io_uring's {@code POLLRDHUP} poll
 * do, and from then on has the channel read to the end whether or not {@code read()} asked: what
 * arrived before the FIN, then the end of input (half-closure or close) or the reset (close). A
 * connection that is ending cannot be held back, and an application that waits for a
 * {@code read()} of its own to learn that would never close it.
 *
 * <p>The watch ({@link CompletionPort#submitPeerClosureWatch}) is armed only while the channel has
 * no stream receive, which sees the end itself, and does not want data: with auto-read off, from
 * when the channel is active and from when data held for the next {@code read()} stopped the
 * stream. Once armed it stays armed (a later {@code read()} does not cancel it) until it fires,
 * or the channel closes or deregisters. A channel with auto-read on never arms one. The end of
 * input that a stream receive delivers while the channel does not want data counts as the watch
 * firing. The channel's own {@code shutdownInput()} fires the watch too; without half-closure the
 * channel then reads nothing, as epoll does not. Only where the port
 * {@linkplain CompletionPort#watchesPeerClosure() watches}; elsewhere (nio) the end waits for the
 * next {@code read()}, as with Netty's NIO transport.
 *
 * <p>Event loop thread only.
 */
final class PeerClosureWatch {
    /** The watch in flight, or 0. */
    private long id;
    /** The peer has closed or reset the connection: the channel reads what is left, then the end. */
    private boolean peerClosed;

    /** Whether the peer's closure is known: the channel reads to the end. */
    boolean peerClosed() {
        return peerClosed;
    }

    /** The watch in flight, or 0. */
    long id() {
        return id;
    }

    /** Arms the watch, unless one is armed, the peer's closure is known or the port cannot watch. */
    void arm(IocpIoRegistration registration) {
        if (id == 0 && !peerClosed && registration.watchesPeerClosure()) {
            id = registration.submitPeerClosureWatch();
        }
    }

    /**
     * The watch completed; returns whether it saw the peer's closure. It did with result 0; a
     * cancelled (or, not expected, failed) watch leaves the channel to learn of the end when it
     * reads.
     */
    boolean completed(int result) {
        id = 0;
        if (result == 0) {
            peerClosed = true;
        }
        return peerClosed;
    }

    /**
     * A stream receive delivered the end of input while the channel did not want data, on a port
     * that watches: that is the watch's news come first, and the channel reads to the end now.
     */
    void endArrived() {
        peerClosed = true;
    }
}
