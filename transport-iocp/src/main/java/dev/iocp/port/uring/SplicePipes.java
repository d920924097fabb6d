package dev.iocp.port.uring;

import dev.iocp.port.PortException;

/**
 * The port's pipes for send-files: one kept for reuse, opened on first use, and more opened
 * while several sends are in flight at once, each of which needs a pipe of its own for as long
 * as it runs (bytes of two sends in one pipe would mix).
 *
 * <p>Only one idle pipe is kept: a 1 MiB pipe counts against the user's pipe pages whether it
 * holds anything or not ({@code pipe-user-pages-soft}), and opening one for a send that runs
 * alongside another costs a few system calls next to moving up to a mebibyte.
 */
final class SplicePipes {
    private SplicePipe idle;

    /** An empty pipe: the idle one, or a new one. */
    SplicePipe take() throws PortException {
        SplicePipe pipe = idle;
        if (pipe != null) {
            idle = null;
            return pipe;
        }
        return SplicePipe.open();
    }

    /** A pipe its send left empty: kept for the next send, or closed if one is kept already. */
    void giveBack(SplicePipe pipe) {
        if (idle == null) {
            idle = pipe;
        } else {
            pipe.close();
        }
    }

    /**
     * A pipe that may still hold bytes of a send that ended early (failed or cancelled): closed,
     * so that none of them reaches the next socket.
     */
    void discard(SplicePipe pipe) {
        pipe.close();
    }

    /** Closes the idle pipe; the port is closing. */
    void close() {
        if (idle != null) {
            idle.close();
            idle = null;
        }
    }
}
