package dev.iocp.port.nio;

import dev.iocp.port.CompletionHandler;
import dev.iocp.port.Operation;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Hands an {@link NioPort}'s queued completions to the handler, the last step of each dequeue:
 * oldest first, a stream receive's read made as it is delivered ({@link StreamReceives}), each
 * operation's slot freed and its socket's counts settled before its handler runs.
 *
 * <p>Split from the port, which keeps submission, selection and the lifecycle; one per port,
 * holding no more than the port did, so delivery makes the same calls as before.
 */
final class CompletionDelivery {
    private final OperationTable table;
    private final CompletionQueue completions;
    private final StreamReceives streams;
    private final OperationRunner runner;
    private final AcceptedChannels accepted;
    /** The port's: a socket whose CLOSE is delivered leaves its set of sockets. */
    private final Consumer<NioSocket> forget;
    /** The sender of the datagram receive completion being delivered; null outside its handler. */
    private InetSocketAddress receivedFrom;

    CompletionDelivery(OperationTable table, CompletionQueue completions, StreamReceives streams,
                       OperationRunner runner, AcceptedChannels accepted, Consumer<NioSocket> forget) {
        this.table = table;
        this.completions = completions;
        this.streams = streams;
        this.runner = runner;
        this.accepted = accepted;
        this.forget = forget;
    }

    /** The sender of the datagram receive completion being delivered; null outside its handler. */
    InetSocketAddress receivedFrom() {
        return receivedFrom;
    }

    /**
     * Delivers up to {@code max} of the completions queued before delivery began. A stream
     * receive's read queued among them is made now ({@link StreamReceives}); when it finds
     * nothing it delivers nothing and does not count.
     */
    int deliver(CompletionHandler handler, int max) {
        int delivered = 0;
        for (int queued = completions.size(); queued > 0 && delivered < max; queued--) {
            long id = completions.headId();
            int result = completions.headResult();
            int flags = completions.headFlags();
            completions.removeHead();
            if (flags == CompletionQueue.READ_AT_DELIVERY) {
                result = streams.read(id);
                if (result == StreamReceives.NOTHING) {
                    continue;
                }
                delivered++;
                if (result > 0) {
                    streams.deliver(handler, id, result);
                    continue;
                }
                flags = 0;
                runner.inputEnded(table.socket(OperationIds.slot(id))); // the stream ended
            } else {
                delivered++;
            }
            deliverFinal(handler, id, result, flags);
        }
        return delivered;
    }

    /** Delivers an operation's (last) completion and frees its slot: its buffers are the caller's again. */
    private void deliverFinal(CompletionHandler handler, long id, int result, int flags) {
        int slot = OperationIds.slot(id);
        Operation kind = table.kind(slot);
        long key = table.key(slot);
        NioSocket socket = table.socket(slot);
        InetSocketAddress sender = kind == Operation.RECEIVE ? table.address(slot) : null; // a datagram's
        table.release(slot);
        if (socket != null) {
            SocketOperations ops = socket.operations;
            if (kind == Operation.CLOSE) {
                socket.state = NioSocket.State.CLOSED;
                forget.accept(socket);
            } else {
                ops.inFlight--;
                if (ops.stream == slot) {
                    ops.stream = -1; // the socket may receive again
                }
            }
        }
        if (kind == Operation.ACCEPT && result >= 0) {
            accepted.offer(result);
        }
        if (sender == null) {
            handler.onCompletion(key, kind, result, flags, id);
            return;
        }
        receivedFrom = sender;
        try {
            handler.onCompletion(key, kind, result, flags, id);
        } finally {
            receivedFrom = null;
        }
    }
}
