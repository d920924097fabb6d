package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.PeerClosureWatchContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer-closure watch on io_uring: a one-shot POLLRDHUP poll ({@link PeerClosurePoll}). */
class IoUringPeerClosureWatchTest extends PeerClosureWatchContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Test
    void ioUringWatchesForThePeersClosure() {
        assertTrue(port.watchesPeerClosure());
    }
}
