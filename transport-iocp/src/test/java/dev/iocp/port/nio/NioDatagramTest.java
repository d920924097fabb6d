package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.DatagramContract;
import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.Errno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The datagram contract on the portable java.nio backend, over DatagramChannel. */
class NioDatagramTest extends DatagramContract {

    @Override
    protected Backend backend() {
        return NioBackend.INSTANCE;
    }

    /** Each send of a batch is a send of its own here: one failing does not stop those after it. */
    @Test
    void theSendsAfterAFailedOneOfABatchGoOn() throws IOException {
        assertArrayEquals(new int[] {2, 2}, batchWithATooLargeDatagramInTheMiddle());
    }

    /** java.nio refuses a target other than a connected channel's peer; sendmsg(2) would take it. */
    @Test
    void aConnectedSocketSendsOnlyToItsPeer() throws IOException {
        DatagramPortSocket a = bound(StandardProtocolFamily.INET, LOOPBACK4, 1);
        DatagramPortSocket b = bound(StandardProtocolFamily.INET, LOOPBACK4, 2);
        DatagramPortSocket c = bound(StandardProtocolFamily.INET, LOOPBACK4, 3);
        a.connect(b.localAddress());
        assertEquals(-Errno.EISCONN, await(port.submitSendTo(a, datagram("x"), c.localAddress())).completion().result());
    }
}
