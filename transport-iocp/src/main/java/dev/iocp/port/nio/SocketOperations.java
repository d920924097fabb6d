package dev.iocp.port.nio;

import dev.iocp.port.Operation;

import java.nio.channels.SelectionKey;

/**
 * A socket's side of its port, touched only by the owner thread: the operations waiting on it,
 * one {@link WaitQueue} per kind, its stream receive if one is armed, and what the port has
 * asked the selector to watch for them.
 *
 * <p>The selector's interest follows the queues: a socket is watched for reading while a
 * receive waits or a stream receive is armed, for writing while a send waits, and so on. When
 * nothing waits, interest in writing and connecting is dropped at once, since a socket is
 * nearly always writable and level-triggered readiness would report it on every selection.
 * Interest in input (reading, accepting) is kept ({@link #KEPT_INTEREST}).
 */
final class SocketOperations {
    static final int ACCEPT = 1;
    static final int CONNECT = 1 << 1;
    static final int RECEIVE = 1 << 2;
    static final int SEND = 1 << 3;
    static final int SHUTDOWN = 1 << 4;

    /**
     * Interest kept after the operations it was for have completed: a caller usually submits the
     * next receive (or accept) from the handler of the last one, before any more input comes,
     * and dropping the interest in between would cost two {@code epoll_ctl} per operation. Input
     * that comes when nothing waits for it is reported once, and the interest dropped then
     * ({@link OperationRunner#onReady}).
     */
    static final int KEPT_INTEREST = SelectionKey.OP_READ | SelectionKey.OP_ACCEPT;

    final WaitQueue accepts = new WaitQueue();
    final WaitQueue connects = new WaitQueue();
    final WaitQueue receives = new WaitQueue();
    final WaitQueue sends = new WaitQueue();
    final WaitQueue shutdowns = new WaitQueue();

    /**
     * Kinds whose oldest waiting operation has not been tried yet: the port tries them before
     * it waits, as io_uring issues a request before arming a poll for it.
     */
    int untried;
    /** Whether the socket is on the list of sockets to try before the port next waits. */
    boolean scheduled;
    /** A connect was started and has not finished: receives and sends wait for it. */
    boolean connecting;
    /** Operations submitted on the socket and not yet delivered (its close aside). */
    int inFlight;
    /** A byte read ahead of the receives ({@link ReceiveLookahead}), which the next one gets first. */
    byte heldByte;
    boolean holdingByte;
    /**
     * The slot of the socket's stream receive ({@link StreamReceives}), from its submission
     * until its final completion is delivered; -1 without one. While it is set no other receive
     * may be submitted.
     */
    int stream = -1;
    /** The stream receive is armed: its final completion is not queued yet. */
    boolean streamArmed;
    /** A read of the stream is queued, to be made when the port delivers it. */
    boolean streamReadQueued;
    /** The socket's channel was closed (a close ran, or the port closed): nothing more is tried. */
    boolean channelClosed;

    /** Created the first time the socket has something to wait for. */
    SelectionKey selectionKey;
    /** The interest set last given to {@link #selectionKey}. */
    int interest;

    /**
     * The queue an operation of this kind waits in; null for kinds that never wait on a socket.
     * Sends of files wait with the sends of bytes, so that the stream keeps the order of submission.
     */
    WaitQueue queue(Operation kind) {
        return switch (kind) {
            case ACCEPT -> accepts;
            case CONNECT -> connects;
            case RECEIVE -> receives;
            case SEND, SEND_FILE -> sends;
            case SHUTDOWN -> shutdowns;
            default -> null;
        };
    }

    static int bit(Operation kind) {
        return switch (kind) {
            case ACCEPT -> ACCEPT;
            case CONNECT -> CONNECT;
            case RECEIVE -> RECEIVE;
            case SEND, SEND_FILE -> SEND;
            case SHUTDOWN -> SHUTDOWN;
            default -> 0;
        };
    }

    /** The kinds of operation that readiness reported by the selector lets proceed. */
    static int readyKinds(int readyOps) {
        int kinds = 0;
        if ((readyOps & SelectionKey.OP_ACCEPT) != 0) {
            kinds |= ACCEPT;
        }
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            kinds |= CONNECT;
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            kinds |= RECEIVE;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            kinds |= SEND;
        }
        return kinds;
    }

    /**
     * Whether an operation of this kind that is new at the head of its queue is tried before the
     * port waits. Not a receive or an accept on a socket already watched for input: the
     * selection each dequeue makes after trying reports the socket if the operation can
     * proceed, where a try would mostly be a read or accept that finds nothing (the next request
     * on a connection rarely comes before its receive is submitted). A receive is still tried
     * when a byte read ahead is held, which no readiness would report.
     */
    boolean triedFirst(Operation kind) {
        return switch (kind) {
            case RECEIVE -> (interest & SelectionKey.OP_READ) == 0 || holdingByte;
            case ACCEPT -> (interest & SelectionKey.OP_ACCEPT) == 0;
            default -> true;
        };
    }

    /** The interest set that what is waiting now calls for. */
    int wantedInterest() {
        int ops = 0;
        if (!accepts.isEmpty()) {
            ops |= SelectionKey.OP_ACCEPT;
        }
        if (connecting) {
            ops |= SelectionKey.OP_CONNECT;
        } else {
            if (streamArmed || !receives.isEmpty()) {
                ops |= SelectionKey.OP_READ;
            }
            if (!sends.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        return ops;
    }
}
