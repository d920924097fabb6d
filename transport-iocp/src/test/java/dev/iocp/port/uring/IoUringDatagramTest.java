package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.DatagramContract;

/** The datagram contract on io_uring: SENDMSG and RECVMSG over each operation's msghdr. */
class IoUringDatagramTest extends DatagramContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }
}
