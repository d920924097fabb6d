package dev.iocp.port.uring;

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

    /** Removes every socket. */
    void clear() {
        for (UringSocket s : snapshot()) {
            remove(s);
        }
    }
}
