package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.ReceiveBufferSourceContract;

/** The receive buffer source contract on the portable java.nio backend. */
class NioReceiveBufferSourceTest extends ReceiveBufferSourceContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }
}
