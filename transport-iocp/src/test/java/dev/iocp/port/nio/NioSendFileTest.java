package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.SendFileContract;

/** Send-files on the nio backend: {@code FileChannel.transferTo} into the socket when it is writable. */
class NioSendFileTest extends SendFileContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }
}
