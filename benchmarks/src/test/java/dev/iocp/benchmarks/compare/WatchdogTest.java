package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;

class WatchdogTest {

    @Test
    @Timeout(30) // without the watchdog the read would block for ever: fail instead
    void aReadThatNeverCompletesIsEndedByClosingItsChannel() throws IOException {
        try (ServerSocketChannel silent = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(silent.getLocalAddress());
             Watchdog _ = Watchdog.arm(client, TimeUnit.MILLISECONDS.toNanos(50))) {
            // The server accepts nothing and sends nothing: only the watchdog can end this read.
            assertThrows(AsynchronousCloseException.class, () -> client.read(ByteBuffer.allocate(1)));
        }
    }
}
