package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.PeerClosureWatchContract;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The peer-closure watch on the nio backend: absent, since java.nio cannot tell a FIN from data
 * without reading the data ({@link NioPort#watchesPeerClosure()}).
 */
class NioPeerClosureWatchTest extends PeerClosureWatchContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    @Test
    void nioDoesNotWatchForThePeersClosure() {
        assertFalse(port.watchesPeerClosure());
    }
}
