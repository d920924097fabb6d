package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.CompletionPortContract;
import dev.iocp.port.PortConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_DEFER_TASKRUN;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_NO_SQARRAY;
import static dev.iocp.port.uring.sys.LinuxConstants.IORING_SETUP_SINGLE_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The contract on the ring setup a 5.19 kernel gets (COOP_TASKRUN, no SINGLE_ISSUER,
 * DEFER_TASKRUN or NO_SQARRAY; eventfd wake-ups, not SEND_MSG_RING), so the fallback paths are
 * exercised on a newer kernel too.
 */
class IoUringCompatibleSetupPortTest extends CompletionPortContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Override
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return IoUringBackend.INSTANCE.openPort(config, Ring.SETUP_PROFILES.length - 1, false);
    }

    /** The kernel, not the setup flags, decides: IORING_CQE_F_SOCK_NONEMPTY on accepts came with 6.10. */
    @Override
    protected boolean acceptsSayWhenMoreConnectionsWait() {
        return KernelVersion.atLeast(6, 10);
    }

    @Test
    void runsWithoutTheNewerSetupFlags() throws IOException {
        IoUringPort uring = (IoUringPort) port;
        int flags = uring.setupFlags();
        assertEquals(0, flags & (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_NO_SQARRAY));
        uring.submitNop(0);
        driver.awaitCount(1);
        assertFalse(uring.wakesWithMessageRing(), "wakes through the eventfd");
    }
}
