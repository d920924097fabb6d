package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.DescriptorPassingContract;
import dev.iocp.port.Errno;
import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.testing.RawDescriptors;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Descriptor passing on io_uring: SENDMSG and RECVMSG with an SCM_RIGHTS control message. */
class IoUringDescriptorPassingTest extends DescriptorPassingContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Test
    void ioUringPassesDescriptors() {
        assertTrue(port.passesDescriptors());
        assertTrue(backend().passesDescriptors());
    }

    /**
     * A raw peer sends more descriptors in one message than a receive's control buffer holds: the
     * kernel installs what fits and says MSG_CTRUNC; the port closes those and fails the receive.
     */
    @Test
    void aMessageWithMoreDescriptorsThanAReceiveTakesFailsWithEmsgsizeAndLeavesNoneOpen() throws IOException {
        Pair pair = unixPair();
        int[] sent = openFiles("many-", SubmissionChecks.MAX_PASSED_DESCRIPTORS + 3);
        long before = RawDescriptors.openCount();
        assertEquals(1, RawDescriptors.sendDescriptors(((UringSocket) pair.client()).fd, sent));
        Received received = receive(pair.server(), true);
        assertEquals(-Errno.EMSGSIZE, received.result(), () -> Errno.describe(received.result()));
        assertEquals(before, RawDescriptors.openCount(), "the descriptors that did arrive were closed");
        sendDescriptors(pair.client(), sent[0]);
        Received next = receive(pair.server(), true);
        assertEquals(1, next.descriptors().length, "the stream goes on after the cut message");
        backend().closeDescriptor(next.descriptors()[0]);
        closeAll(sent);
    }
}
