package dev.iocp.port.uring;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Send-files on io_uring where the JDK lets the port read a file channel's descriptor: the
 * splice from the file runs in io-wq, linked to the splice into the socket. Runs in the surefire
 * execution that starts the JVM with {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}; is
 * skipped elsewhere.
 */
class IoUringSendFileFromDescriptorTest extends IoUringSendFileTest {

    @BeforeEach
    void requireDescriptors() {
        Assumptions.assumeTrue(FileChannelDescriptors.reachable(),
                "file channel descriptors are not reachable: java.base does not open sun.nio.ch to this module");
    }
}
