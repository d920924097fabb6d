package dev.iocp.channel;

import dev.iocp.port.Backends;
import dev.iocp.testing.ExpectedBackend;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Netty layer's tests run twice in CI, once per backend: this checks that each run uses the
 * backend it claims to, so that a broken io_uring probe cannot turn the io_uring run into a
 * second nio run while everything stays green.
 */
class BackendInUseTest {

    @Test
    void theLoopsPortsRunOnTheBackendThisRunIsMeantFor() throws Exception {
        String expected = ExpectedBackend.name();
        EventLoopGroup group = new IocpEventLoopGroup(1);
        IocpSocketChannel channel = new IocpSocketChannel();
        try {
            group.register(channel).sync();
            String inUse = channel.eventLoop().submit(() -> channel.registration.port().backend().name()).get();
            Throwable ioUringCause = Backends.byName("io_uring").unavailabilityCause();
            assertEquals(expected, inUse, () -> "this run should use " + expected + " ("
                    + ExpectedBackend.whyIoUringCannotRun().map(why -> "io_uring cannot run here: " + why)
                            .orElse("the machine allows io_uring") + "), but the loop's port runs on " + inUse
                    + (ioUringCause == null ? "" : "; io_uring says: " + ioUringCause.getMessage()));
        } finally {
            channel.close().sync();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
