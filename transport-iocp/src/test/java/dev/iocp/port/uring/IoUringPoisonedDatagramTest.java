package dev.iocp.port.uring;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The datagram contract with released scratch poisoned: a datagram's sender and truncation are
 * read out of the slot's msghdr and sockaddr before the slot is released, never after.
 */
class IoUringPoisonedDatagramTest extends IoUringDatagramTest {

    @Override
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return IoUringBackend.INSTANCE.openPort(config, 0, true, true);
    }

    @Test
    void thePortsUnderTestPoisonReleasedScratch() {
        assertTrue(((IoUringPort) port).poisonsReleasedScratch());
    }
}
