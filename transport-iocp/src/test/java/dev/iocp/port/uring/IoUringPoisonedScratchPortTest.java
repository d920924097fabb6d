package dev.iocp.port.uring;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.PortConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract, and the io_uring tests, with every port poisoning an operation's native scratch
 * when its slot is released ({@code -Ddev.iocp.debug.poison=true}): a kernel read of scratch
 * after its operation completed would now fail (EFAULT, EINVAL) instead of quietly succeeding.
 */
class IoUringPoisonedScratchPortTest extends IoUringPortTest {

    @Override
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return IoUringBackend.INSTANCE.openPort(config, 0, true, true);
    }

    @Test
    void thePortsUnderTestPoisonReleasedScratch() {
        assertTrue(((IoUringPort) port).poisonsReleasedScratch());
    }
}
