package dev.iocp.port.uring;

import dev.iocp.port.uring.sys.Syscalls;

import java.util.ArrayList;
import java.util.List;

/**
 * The sockets registered with one {@link IoUringPort}, linked through the sockets themselves. The
 * port walks them only as it closes, so membership needs no node object per socket and no hash
 * table, whose size would stay at what the busiest moment needed after the connections are gone.
 *
 * <p>Owner thread only, as the port.
 */
final class RegisteredSockets {
    private UringSocket first;

    void add(UringSocket socket) {
        socket.previousRegistered = null;
        socket.nextRegistered = first;
        if (first != null) {
            first.previousRegistered = socket;
        }
        first = socket;
    }

    /** Removes {@code socket}; a socket not (or no longer) here is left alone. */
    void remove(UringSocket socket) {
        if (socket.previousRegistered == null && first != socket) {
            return;
        }
        UringSocket previous = socket.previousRegistered;
        UringSocket next = socket.nextRegistered;
        if (previous == null) {
            first = next;
        } else {
            previous.nextRegistered = next;
        }
        if (next != null) {
            next.previousRegistered = previous;
        }
        socket.previousRegistered = null;
        socket.nextRegistered = null;
    }

    /** The sockets here now, as a list the caller may walk while removing. */
    List<UringSocket> snapshot() {
        List<UringSocket> all = new ArrayList<>();
        for (UringSocket s = first; s != null; s = s.nextRegistered) {
            all.add(s);
        }
        return all;
    }

    /**
     * The port is closed and its ring too: closes the descriptors of the sockets left and removes
     * them. A socket still CLOSING has a close the kernel never finished: its descriptor is left
     * alone, unless that close was never handed to the kernel at all (one deferred for linked
     * sends or the like that did not complete while the port drained). Only after the ring: with
     * {@code COOP_TASKRUN} a linked send's turn comes as task work on the owner's return from any
     * system call, close(2) among them, and would look up its descriptor's number, maybe reused
     * already. Closing the ring first kills its context, and task work that runs after that
     * cancels its request instead of starting it (recent kernels' {@code io_should_terminate_tw};
     * not checked here on older ones).
     */
    void closeLeft() {
        for (UringSocket socket : snapshot()) {
            if (socket.state == UringSocket.State.OPEN || socket.deferredCloseId != 0) {
                socket.state = UringSocket.State.CLOSED;
                socket.deferredCloseId = 0;
                Syscalls.close(socket.fd);
            }
            remove(socket);
        }
    }
}
