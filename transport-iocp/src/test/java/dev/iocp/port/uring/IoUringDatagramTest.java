package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.DatagramContract;
import dev.iocp.port.DatagramPortSocket;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The datagram contract on io_uring: SENDMSG and RECVMSG over each operation's msghdr. */
class IoUringDatagramTest extends DatagramContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    /** sendmsg(2) takes a target other than a connected socket's peer (java.nio would refuse it). */
    @Test
    void aConnectedSocketSendsToAnotherAddressWhenNamed() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket c = bound(StandardProtocolFamily.INET, LOOPBACK4, 3);
        a.connect(b.localAddress());
        long receive = port.submitReceiveFrom(c, ByteBuffer.allocateDirect(8));
        assertEquals(1, await(port.submitSendTo(a, datagram("x"), c.localAddress())).completion().result());
        assertEquals(1, await(receive).completion().result());
    }
}
