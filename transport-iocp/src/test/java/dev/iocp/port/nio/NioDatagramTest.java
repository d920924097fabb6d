package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.DatagramContract;

/** The datagram contract on the portable java.nio backend, over DatagramChannel. */
class NioDatagramTest extends DatagramContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }
}
