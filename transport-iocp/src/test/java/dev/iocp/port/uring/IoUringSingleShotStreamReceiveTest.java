package dev.iocp.port.uring;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortConfig;

import java.io.IOException;

/**
 * The stream receive contract on io_uring with re-armed single shots, what 5.19 gets and
 * {@code -Ddev.iocp.uring.multishotReceive=false} asks for (the other class runs the default).
 */
class IoUringSingleShotStreamReceiveTest extends IoUringStreamReceiveTest {

    @Override
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return IoUringBackend.INSTANCE.openPort(config, 0, true, OperationTable.POISON_BY_DEFAULT,
                ReceiveBufferSettings.fromSystemProperties().withMultishot(false));
    }
}
