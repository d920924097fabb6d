package dev.iocp.port.nio;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.ShutdownMode;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

import static dev.iocp.port.nio.SocketOperations.ACCEPT;
import static dev.iocp.port.nio.SocketOperations.CONNECT;
import static dev.iocp.port.nio.SocketOperations.RECEIVE;
import static dev.iocp.port.nio.SocketOperations.SEND;
import static dev.iocp.port.nio.SocketOperations.SHUTDOWN;

/**
 * Turns readiness into completions: runs the operations waiting on a socket when they may be
 * able to proceed, which is right after they were submitted (tried once before the port
 * waits, as io_uring issues a request before arming a poll for it) and whenever the selector
 * reports the socket ready for them. Each try is one non-blocking call; what finishes is
 * queued as a completion, what would block stays first in its queue, and the selector is then
 * told to watch for what is still waiting. A receive reads one byte ahead
 * ({@link ReceiveLookahead}), so that its completion can say whether input is pending. A socket
 * with an armed stream receive is not read here: each report that it is readable queues a read
 * that the port makes when it delivers it ({@link StreamReceives}).
 *
 * <p>Completions only go into the {@link CompletionQueue}: nothing here calls a handler.
 */
final class OperationRunner {
    private final OperationTable table;
    private final CompletionQueue completions;
    private final AcceptedChannels accepted;
    private final Selector selector;
    private final ReceiveLookahead lookahead = new ReceiveLookahead();
    private final DatagramOperations datagrams;
    /** The windows gathered buffers had before a write, restored after it. */
    private int[] saved = new int[32];
    /** Sockets with operations to try before the port next waits, or an interest to update. */
    private NioSocket[] scheduled = new NioSocket[64];
    private int scheduledCount;

    OperationRunner(OperationTable table, CompletionQueue completions, AcceptedChannels accepted, Selector selector) {
        this.table = table;
        this.completions = completions;
        this.accepted = accepted;
        this.selector = selector;
        this.datagrams = new DatagramOperations(table, completions);
    }

    /** Queues the completion of a slot's operation. */
    void complete(int slot, int result) {
        completions.add(table.finish(slot), result, 0);
    }

    /** Has a socket's untried operations run (and its interest updated) before the port next waits. */
    void schedule(NioSocket socket) {
        if (!socket.operations.scheduled) {
            socket.operations.scheduled = true;
            if (scheduledCount == scheduled.length) {
                scheduled = Arrays.copyOf(scheduled, scheduledCount * 2);
            }
            scheduled[scheduledCount++] = socket;
        }
    }

    /** Tries what was submitted since the port last waited, before it waits again. */
    void runScheduled() {
        for (int i = 0; i < scheduledCount; i++) {
            NioSocket socket = scheduled[i];
            scheduled[i] = null;
            socket.operations.scheduled = false;
            run(socket, socket.operations.untried);
        }
        scheduledCount = 0;
    }

    /** The port is closing: nothing scheduled will run. */
    void unscheduleAll() {
        Arrays.fill(scheduled, 0, scheduledCount, null);
        scheduledCount = 0;
    }

    /** The selector found a socket ready: runs what that readiness lets proceed. */
    void onReady(SelectionKey key) {
        if (!key.isValid()) {
            return; // cancelled while this selection ran its keys
        }
        NioSocket socket = (NioSocket) key.attachment();
        int readyOps = key.readyOps();
        SocketOperations ops = socket.operations;
        // Input that nothing waits for: the interest kept for it is dropped (KEPT_INTEREST).
        int unwanted = readyOps & SocketOperations.KEPT_INTEREST & ~ops.wantedInterest();
        int kinds = SocketOperations.readyKinds(readyOps);
        if ((kinds & RECEIVE) != 0 && ops.streamArmed && !ops.streamReadQueued) {
            queueStreamRead(socket); // one read per report; while it waits, later reports add none
        }
        run(socket, kinds, unwanted);
    }

    /** Queues a read of the socket's stream receive, made when the port delivers it ({@link StreamReceives}). */
    private void queueStreamRead(NioSocket socket) {
        SocketOperations ops = socket.operations;
        ops.streamReadQueued = true;
        completions.add(table.id(ops.stream), 0, CompletionQueue.READ_AT_DELIVERY);
    }

    /**
     * Tries the waiting operations of the given kinds ({@link SocketOperations} bits), then
     * brings the selector's interest in line with what still waits.
     */
    void run(NioSocket socket, int kinds) {
        run(socket, kinds, 0);
    }

    private void run(NioSocket socket, int kinds, int unwantedInterest) {
        SocketOperations ops = socket.operations;
        ops.untried &= ~kinds;
        if (socket.state == NioSocket.State.CLOSED || ops.channelClosed) {
            return; // a socket whose close is submitted still runs what was submitted before it
        }
        if ((kinds & CONNECT) != 0) {
            kinds |= connect(socket);
        }
        if ((kinds & ACCEPT) != 0) {
            accept(socket);
        }
        if (socket instanceof NioDatagramSocket datagram) {
            if ((kinds & SEND) != 0) {
                datagrams.send(datagram);
            }
            if ((kinds & RECEIVE) != 0) {
                datagrams.receive(datagram);
            }
        } else if (!ops.connecting) {
            if ((kinds & SEND) != 0) {
                send(socket);
            }
            if ((kinds & RECEIVE) != 0) {
                receive(socket);
            }
        }
        if ((kinds & SHUTDOWN) != 0) {
            shutdown(socket); // after the sends: they were submitted first
        }
        updateInterest(socket, unwantedInterest);
    }

    /**
     * Starts the first waiting connect, or finishes the one in progress.
     *
     * @return the kinds that may proceed now that the connect is over (receives and sends wait
     *         for it), or 0
     */
    private int connect(NioSocket socket) {
        SocketOperations ops = socket.operations;
        int result;
        if (ops.connecting) {
            try {
                if (!socket.stream().finishConnect()) {
                    return 0;
                }
                result = 0;
            } catch (IOException | IllegalStateException e) {
                result = NioErrors.result(e); // java.nio has closed the channel too
            }
            ops.connecting = false;
        } else {
            int slot = ops.connects.peek();
            if (slot < 0) {
                return 0;
            }
            try {
                SocketChannel channel = socket.openStream();
                if (channel == null) {
                    result = -Errno.EISCONN; // a listening socket, as connect(2) answers
                } else if (channel.connect((SocketAddress) table.argument(slot))) {
                    result = 0;
                } else {
                    ops.connecting = true;
                    return 0;
                }
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                result = NioErrors.result(e);
            }
        }
        int slot = ops.connects.poll(table);
        if (slot >= 0) { // else it was cancelled while the connection was being made
            complete(slot, result);
        }
        return RECEIVE | SEND;
    }

    private void accept(NioSocket socket) {
        WaitQueue queue = socket.operations.accepts;
        ServerSocketChannel server = socket.listener();
        int slot;
        while ((slot = queue.peek()) >= 0) {
            if (server == null) {
                queue.poll(table);
                complete(slot, -Errno.EINVAL); // accept(2) on a socket that does not listen
                continue;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                queue.poll(table);
                complete(slot, NioErrors.result(e));
                continue;
            }
            if (channel == null) {
                return; // nothing to accept: wait for readiness
            }
            queue.poll(table);
            try {
                channel.configureBlocking(false);
                socket.inheritTo(channel);
                // What the accept itself returned: asked later, a reset connection has none.
                SocketAddress peer = channel.getRemoteAddress();
                complete(slot, accepted.add(channel, peer, socket));
            } catch (IOException | IllegalArgumentException e) {
                // The slot is out of its queue and the connection in hand: both must be let go
                // here, also when an inherited option is refused (IllegalArgumentException).
                closeQuietly(channel);
                complete(slot, NioErrors.result(e));
            }
        }
    }

    private void receive(NioSocket socket) {
        SocketOperations ops = socket.operations;
        SocketChannel channel = socket.stream();
        if (ops.streamArmed) {
            if (channel == null) {
                endStream(socket, -Errno.ENOTCONN);
            } else if (ops.holdingByte && !ops.streamReadQueued) {
                // A receive before the stream read a byte ahead: the socket may have nothing
                // more to report readable, so the stream's first read is queued now.
                queueStreamRead(socket);
            }
            return; // else read when the selector reports it readable (onReady)
        }
        WaitQueue queue = ops.receives;
        int slot;
        while ((slot = queue.peek()) >= 0) {
            if (channel == null) {
                queue.poll(table);
                complete(slot, -Errno.ENOTCONN);
                continue;
            }
            int position = table.position(slot);
            int window = table.limit(slot) - position;
            if (window == 0) {
                queue.poll(table);
                complete(slot, 0); // asks for nothing, so it waits for nothing, as recv(2) of 0 bytes
                continue;
            }
            ByteBuffer buffer = (ByteBuffer) table.argument(slot);
            int held = ReceiveLookahead.takeInto(ops, buffer, position);
            int n = 0;
            try {
                if (held < window) {
                    n = lookahead.read(channel, ops, buffer, position + held, position + window);
                } else {
                    lookahead.probe(channel, ops); // a 1-byte window the held byte filled
                }
            } catch (IOException | IllegalStateException e) {
                if (held == 0) {
                    queue.poll(table);
                    complete(slot, NioErrors.result(e));
                    continue;
                }
                // The byte held is delivered first; the next read meets the error again.
            }
            if (held == 0 && n == 0) {
                return; // nothing to read: wait for readiness
            }
            queue.poll(table);
            // -1 alone, end of stream, is a receive of 0 bytes.
            completions.add(table.finish(slot), held + Math.max(n, 0),
                    ops.holdingByte ? CompletionFlags.INPUT_PENDING : 0);
            if (!ops.holdingByte) {
                return; // drained, or at its end: the next receive waits for readiness
            }
        }
    }

    private void send(NioSocket socket) {
        WaitQueue queue = socket.operations.sends;
        SocketChannel channel = socket.stream();
        int slot;
        while ((slot = queue.peek()) >= 0) {
            if (channel == null) {
                queue.poll(table);
                complete(slot, -Errno.ENOTCONN);
                continue;
            }
            long length = table.length(slot);
            long n;
            try {
                if (table.kind(slot) == Operation.SEND_FILE) {
                    n = transferFile(channel, slot);
                    if (n < 0) {
                        queue.poll(table);
                        complete(slot, 0); // the file ends before the range starts
                        continue;
                    }
                } else {
                    n = table.gatherCount(slot) > 0 ? writeGathered(channel, slot)
                            : write(channel, (ByteBuffer) table.argument(slot), table.position(slot), table.limit(slot));
                }
            } catch (IOException | IllegalStateException e) { // also NonReadableChannelException
                queue.poll(table);
                complete(slot, sendFailure(e, channel, slot));
                continue;
            }
            if (n == 0 && length > 0) {
                return; // the socket buffer is full: wait for readiness
            }
            queue.poll(table);
            complete(slot, (int) n); // one write: never more than fits in an int
            if (n < length) {
                return; // it filled up on the way: the next send waits for readiness
            }
        }
    }

    /**
     * One {@link FileChannel#transferTo} of a send-file's range into the socket: the JDK uses
     * {@code sendfile(2)}, which sends what the socket buffer takes and returns 0 (EAGAIN) when it
     * takes nothing.
     *
     * @return the bytes sent (0: wait for writability), or -1 when the file ends at or before the
     *         range's start, which transferTo also answers with 0
     */
    private long transferFile(SocketChannel channel, int slot) throws IOException {
        FileChannel file = (FileChannel) table.argument(slot);
        long position = table.filePosition(slot);
        long n = file.transferTo(position, table.length(slot), channel);
        return n == 0 && position >= file.size() ? -1 : n;
    }

    /** The errno of a failed send, as send(2) or sendfile(2) would have said it. */
    private int sendFailure(Exception e, SocketChannel channel, int slot) {
        if (table.kind(slot) == Operation.SEND_FILE && !((FileChannel) table.argument(slot)).isOpen()
                || e instanceof NonReadableChannelException) {
            return -Errno.EBADF; // the file was closed meanwhile, or not opened for reading
        }
        // java.nio refuses to write after shutdownOutput with ClosedChannelException; send(2)
        // says EPIPE.
        return e instanceof ClosedChannelException && channel.isOpen() ? -Errno.EPIPE : NioErrors.result(e);
    }

    private void shutdown(NioSocket socket) {
        WaitQueue queue = socket.operations.shutdowns;
        int slot;
        while ((slot = queue.poll(table)) >= 0) {
            SocketChannel channel = socket.stream();
            if (channel == null) {
                complete(slot, -Errno.ENOTCONN);
                continue;
            }
            try {
                NioSocket.shutdown(channel, (ShutdownMode) table.argument(slot));
                complete(slot, 0);
            } catch (IOException | IllegalStateException e) {
                complete(slot, NioErrors.result(e));
            }
        }
    }

    private static long write(SocketChannel channel, ByteBuffer buffer, int position, int limit) throws IOException {
        int oldPosition = buffer.position();
        int oldLimit = buffer.limit();
        BufferWindows.set(buffer, position, limit);
        try {
            return channel.write(buffer);
        } finally {
            BufferWindows.set(buffer, oldPosition, oldLimit);
        }
    }

    private long writeGathered(SocketChannel channel, int slot) throws IOException {
        ByteBuffer[] buffers = table.gatherBuffers(slot);
        int[] windows = table.gatherWindows(slot);
        int count = table.gatherCount(slot);
        if (saved.length < 2 * count) {
            saved = new int[2 * count];
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer buffer = buffers[i];
            saved[2 * i] = buffer.position();
            saved[2 * i + 1] = buffer.limit();
            BufferWindows.set(buffer, windows[2 * i], windows[2 * i + 1]);
        }
        try {
            return channel.write(buffers, 0, count);
        } finally {
            // In reverse, so that a buffer passed twice ends with the window it had first.
            for (int i = count - 1; i >= 0; i--) {
                BufferWindows.set(buffers[i], saved[2 * i], saved[2 * i + 1]);
            }
        }
    }

    /**
     * A socket's input is over (its end, or a failure): the interest in reading kept for it is
     * dropped now, as readiness at the end of input lasts.
     */
    void inputEnded(NioSocket socket) {
        if (!socket.operations.channelClosed) {
            updateInterest(socket, SelectionKey.OP_READ);
        }
    }

    /**
     * Asks the selector to watch the socket for what its waiting operations need, and for the
     * input it watched for already ({@link SocketOperations#KEPT_INTEREST}) but
     * {@code unwantedInterest}, if that changed.
     */
    private void updateInterest(NioSocket socket, int unwantedInterest) {
        SocketOperations ops = socket.operations;
        int wanted = ops.wantedInterest() | (ops.interest & SocketOperations.KEPT_INTEREST & ~unwantedInterest);
        if (wanted == ops.interest) {
            return;
        }
        try {
            if (ops.selectionKey == null) {
                SelectableChannel channel = socket.channel();
                if (channel == null) {
                    throw new ClosedChannelException(); // unreachable: operations wait only on a channel
                }
                ops.selectionKey = channel.register(selector, wanted, socket);
            } else {
                ops.selectionKey.interestOps(wanted);
            }
            ops.interest = wanted;
        } catch (ClosedChannelException | CancelledKeyException e) {
            // java.nio closed the channel itself (it does after a failed connect): nothing
            // will ever be ready, so what waits fails now rather than never.
            completeWaiting(socket, -Errno.ENOTCONN);
            ops.interest = 0;
        }
    }

    /** Completes every operation waiting on a socket with {@code result}, oldest first per kind. */
    void completeWaiting(NioSocket socket, int result) {
        SocketOperations ops = socket.operations;
        completeAll(ops.connects, result);
        completeAll(ops.accepts, result);
        completeAll(ops.sends, result);
        completeAll(ops.receives, result);
        if (ops.streamArmed) {
            endStream(socket, result);
        }
        completeAll(ops.shutdowns, result);
        ops.untried = 0;
    }

    /**
     * Ends a socket's armed stream receive with its final completion: a read queued for it
     * finds it disarmed and reads nothing.
     */
    void endStream(NioSocket socket, int result) {
        SocketOperations ops = socket.operations;
        ops.streamArmed = false;
        complete(ops.stream, result);
    }

    private void completeAll(WaitQueue queue, int result) {
        int slot;
        while ((slot = queue.poll(table)) >= 0) {
            complete(slot, result);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // it failed before anyone saw it; nobody is left to tell
        }
    }
}
