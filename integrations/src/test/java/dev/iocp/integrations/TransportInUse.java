package dev.iocp.integrations;

import dev.iocp.channel.Iocp;
import dev.iocp.port.PortCounter;
import dev.iocp.testing.ExpectedBackend;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks that a framework really runs on transport-iocp, on the backend this test run is meant
 * for (the default surefire execution: io_uring where the machine allows it; the nio-backend
 * execution: nio), rather than on a transport it picked by itself.
 */
final class TransportInUse {
    private TransportInUse() {
    }

    /** The backend this run should use: {@code io_uring} or {@code nio}. */
    static String expectedBackend() {
        return ExpectedBackend.name();
    }

    /** {@code channel} is of {@code type} and its loop's completion port runs on the expected backend. */
    static void assertIocp(Channel channel, Class<? extends Channel> type) {
        assertTrue(type.isInstance(channel), () -> "expected a " + type.getSimpleName() + ", the framework made a "
                + channel.getClass().getName());
        assertEquals(expectedBackend(), Iocp.metrics(channel.eventLoop()).backend(),
                () -> "the port of " + channel + "'s loop runs on another backend than this run is meant for");
    }

    /**
     * Every loop of {@code group} is an iocp loop on the expected backend, and the group's ports
     * completed operations: the framework's traffic went through them. Only an iocp channel can
     * be registered on an iocp loop, so this also shows that the framework's channels were iocp ones.
     */
    static void assertCarriedTraffic(String what, EventLoopGroup group) {
        long completions = 0;
        for (EventExecutor loop : group) {
            assertEquals(expectedBackend(), Iocp.metrics(loop).backend(), () -> what + ": " + loop + "'s backend");
            completions += Iocp.metrics(loop).get(PortCounter.COMPLETIONS);
        }
        long total = completions;
        assertTrue(total > 0, () -> what + ": its completion ports completed nothing (" + total + ")");
    }

    /** Whether the calling thread is one of {@code group}'s loops. */
    static boolean onLoopOf(EventLoopGroup group) {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }
}
