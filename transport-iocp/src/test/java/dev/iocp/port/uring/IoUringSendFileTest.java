package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortDriver;
import dev.iocp.port.SendFileContract;
import org.junit.jupiter.api.Test;

/**
 * Send-files on io_uring, through the path this JVM's access to file descriptors allows: by
 * default the JDK moves the file's pages into the pipe ({@link SplicePipe#sink});
 * {@link IoUringSendFileFromDescriptorTest} runs the same with the file's own descriptor.
 */
class IoUringSendFileTest extends SendFileContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    /**
     * A ring of one entry cannot take a linked pair, so the steps go one at a time; a ring of two
     * takes a pair only when it is empty, so pairs wait in the backlog and must reach the kernel
     * whole (a pair cut in two would run the splice into the socket before the pipe is filled).
     */
    @Test
    void ringsTooSmallForEveryPairStillSendEveryByte() throws Exception {
        for (PortConfig config : new PortConfig[] {new PortConfig(1, 1), new PortConfig(2, 2)}) {
            port.close();
            port = IoUringBackend.INSTANCE.openPort(config);
            driver = new PortDriver(port);
            sendOnSeveralSocketsAtOnce(4);
        }
    }
}
