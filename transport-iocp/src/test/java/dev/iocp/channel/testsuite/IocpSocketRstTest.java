package dev.iocp.channel.testsuite;

import dev.iocp.channel.IocpSocketChannel;
import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketRstTest} on {@link IocpSocketTestPermutation#socket()}. Where the client is
 * an Iocp channel the reset must be reported as what the kernel said, ECONNRESET, not only as a
 * message that happens to read "reset" in an English locale.
 */
@IocpTestsuite
public class IocpSocketRstTest extends SocketRstTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return IocpSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected void assertRstOnCloseException(IOException cause, Channel clientChannel) {
        if (!(clientChannel instanceof IocpSocketChannel)) {
            super.assertRstOnCloseException(cause, clientChannel);
            return;
        }
        PortException port = findPortException(cause);
        if (port != null) {
            assertEquals(Errno.ECONNRESET, port.errno(),
                    "actual [type, message]: [" + cause.getClass() + ", " + cause.getMessage() + "]");
        } else {
            String message = String.valueOf(cause.getMessage());
            assertTrue(message.contains("reset") || message.contains("ECONNRESET"),
                    "actual [type, message]: [" + cause.getClass() + ", " + cause.getMessage() + "]");
        }
    }

    private static PortException findPortException(Throwable t) {
        for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
            if (t instanceof PortException port) {
                return port;
            }
        }
        return null;
    }
}
