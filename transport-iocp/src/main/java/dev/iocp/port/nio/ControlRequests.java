package dev.iocp.port.nio;

import dev.iocp.port.Errno;
import dev.iocp.port.Operation;

import java.io.IOException;

/**
 * Cancels and closes, run at the next dequeue in the order they were submitted, after the
 * operations submitted before them have been tried: io_uring processes its submission queue in
 * order, so a send submitted before a cancel or a close of its socket is issued first and, if
 * the socket takes its bytes at once, completes rather than being cancelled. Running them at
 * submit time instead would cancel what had not been tried yet, and drop data a caller had
 * already handed over before closing.
 *
 * <p>Since all I/O runs on the owner thread, a target is never half-done: it is waiting (it is
 * withdrawn and completes with -ECANCELED, the cancel with 0) or its completion is already
 * queued (the cancel completes with -ENOENT).
 */
final class ControlRequests {
    private final OperationTable table;
    private final TimerHeap timers;
    private final OperationRunner runner;
    private final LingeringCloses lingering;
    private final WaitQueue queue = new WaitQueue();

    ControlRequests(OperationTable table, TimerHeap timers, OperationRunner runner, LingeringCloses lingering) {
        this.table = table;
        this.timers = timers;
        this.runner = runner;
        this.lingering = lingering;
    }

    /** Queues a submitted CANCEL (its target recorded in the table) or CLOSE. */
    void add(long id) {
        queue.add(table, OperationIds.slot(id));
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Runs every queued request, oldest first. */
    void run() {
        int slot;
        while ((slot = queue.poll(table)) >= 0) {
            if (table.kind(slot) == Operation.CLOSE) {
                close(slot);
            } else {
                cancel(slot);
            }
        }
    }

    /** The port is closing: what is queued is dropped with the rest. */
    void clear() {
        queue.clear();
    }

    private void cancel(int slot) {
        long target = table.target(slot);
        int targetSlot = OperationIds.slot(target);
        // An earlier request is done by now, so WAITING means in a socket queue or the timers.
        if (!table.isInFlight(target) || table.state(targetSlot) != OperationTable.WAITING) {
            runner.complete(slot, -Errno.ENOENT);
            return;
        }
        withdraw(targetSlot);
        runner.complete(targetSlot, -Errno.ECANCELED);
        runner.complete(slot, 0);
    }

    private void withdraw(int slot) {
        Operation kind = table.kind(slot);
        if (kind == Operation.TIMEOUT) {
            timers.remove(slot);
            return;
        }
        NioSocket socket = table.socket(slot);
        SocketOperations ops = socket.operations;
        if (ops.stream == slot) {
            ops.streamArmed = false; // in no queue; a read queued for it will find it disarmed
        } else {
            ops.queue(kind).remove(table, slot);
        }
        // The next in line, if any, is tried, and the selector's interest brought in line.
        ops.untried |= SocketOperations.bit(kind);
        runner.schedule(socket);
    }

    /**
     * Cancels what still waits on the socket and closes its channel. The CLOSE completion comes
     * after theirs and, as every completion, after a selection, which is when java.nio closes
     * the descriptor of a channel a selector watched. A lingering socket is closed off the owner
     * thread ({@link LingeringCloses}), and its CLOSE completion comes when that close returns.
     */
    private void close(int slot) {
        NioSocket socket = table.socket(slot);
        runner.completeWaiting(socket, -Errno.ECANCELED);
        if (socket.lingersOnClose()) {
            lingering.add(socket, table.id(slot));
            return;
        }
        IOException failure = socket.closeChannel();
        runner.complete(slot, failure == null ? 0 : NioErrors.result(failure));
    }
}
