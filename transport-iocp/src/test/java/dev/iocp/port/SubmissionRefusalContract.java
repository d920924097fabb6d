package dev.iocp.port;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link CompletionPort} backend must refuse, and how: a refused submission throws
 * before it takes anything, and misuse (an unregistered socket, another thread, a bad argument)
 * gets a clear error. The superclass of {@link CompletionPortContract}, so that it runs wherever
 * the contract runs; split from it to keep each file to one subject.
 */
public abstract class SubmissionRefusalContract extends PortFixture {

    // ---- refused submissions leave nothing behind ---------------------------------------------

    @Test
    void refusedSubmissionsThrowBeforeAnythingIsTakenAndThePortClosesCleanly() throws Exception {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        PortSocket fresh = open(StandardProtocolFamily.INET, 3);
        PortSocket s = pair.client();
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 80);
        ByteBuffer ok = ByteBuffer.allocateDirect(8);
        assertRefused(IllegalArgumentException.class, "IPv6", () -> port.submitConnect(fresh, v6));
        assertRefused(IllegalArgumentException.class, "unresolved",
                () -> port.submitConnect(fresh, InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertRefused(NullPointerException.class, "remote", () -> port.submitConnect(fresh, null));
        assertRefused(NullPointerException.class, "mode", () -> port.submitShutdown(s, null));
        assertRefused(NullPointerException.class, "buffer", () -> port.submitReceive(s, null));
        assertRefused(NullPointerException.class, "buffer", () -> port.submitSend(s, (ByteBuffer) null));
        assertRefused(NullPointerException.class, "buffers", () -> port.submitSend(s, null, 0, 1));
        assertRefused(NullPointerException.class, "buffers[1]", () -> port.submitSend(s, new ByteBuffer[] {ok, null}, 0, 2));
        assertRefused(IndexOutOfBoundsException.class, null, () -> port.submitSend(s, new ByteBuffer[] {ok}, 1, 1));
        assertRefused(IndexOutOfBoundsException.class, null, () -> port.submitSend(s, new ByteBuffer[] {ok, ok}, 1, 2));
        assertRefused(IllegalArgumentException.class, "0", () -> port.submitSend(s, new ByteBuffer[] {ok}, 0, 0));
        assertRefused(IllegalArgumentException.class, "1025", () -> port.submitSend(s, new ByteBuffer[1025], 0, 1025));
        assertEquals(0, s.pendingOperations());
        assertEquals(0, fresh.pendingOperations());
        // The sockets still work after what was refused.
        long send = port.submitSend(pair.server(), ByteBuffer.allocateDirect(3));
        long receive = port.submitReceive(s, ok);
        assertEquals(3, driver.await(x -> x.id() == send, "send").result());
        assertTrue(driver.await(x -> x.id() == receive, "receive").result() > 0);
        java.util.logging.Logger portLogger = java.util.logging.Logger.getLogger("dev.iocp.port");
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler recorder = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        portLogger.addHandler(recorder);
        try {
            port.close(); // nothing refused is left for it to wait for
        } finally {
            portLogger.removeHandler(recorder);
        }
        assertEquals(List.of(), warnings, "closing the port had nothing undrained to warn about");
        assertEquals(0, port.pendingOperations());
    }

    @Test
    void aReceiveIntoAReadOnlyBufferIsRefused() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        ByteBuffer readOnly = ByteBuffer.allocateDirect(8).asReadOnlyBuffer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> port.submitReceive(pair.client(), readOnly));
        assertTrue(e.getMessage().startsWith("cannot receive into a read-only buffer"), e.getMessage());
        assertEquals(0, port.pendingOperations());
    }

    private void assertRefused(Class<? extends RuntimeException> type, String inMessage,
                               org.junit.jupiter.api.function.Executable submit) {
        int before = port.pendingOperations();
        RuntimeException e = assertThrows(type, submit);
        if (inMessage != null) {
            assertTrue(String.valueOf(e.getMessage()).contains(inMessage), "message: " + e.getMessage());
        }
        assertEquals(before, port.pendingOperations(), "a refused submission takes no operation: " + e);
    }

    // ---- misuse gets clear errors ----------------------------------------------------------

    @Test
    void misuseIsRefusedWithClearErrors() throws Exception {
        PortSocket unregistered = backend().openSocket(StandardProtocolFamily.INET);
        IllegalArgumentException notRegistered = assertThrows(IllegalArgumentException.class,
                () -> port.submitReceive(unregistered, ByteBuffer.allocateDirect(8)));
        assertTrue(notRegistered.getMessage().contains("not registered"), notRegistered.getMessage());
        port.register(unregistered, 1);
        assertThrows(IllegalStateException.class, () -> port.register(unregistered, 2));
        assertEquals(0, port.pendingOperations());
        CompletableFuture<Throwable> fromOtherThread = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                port.submitNop(1);
                fromOtherThread.complete(null);
            } catch (Throwable t) {
                fromOtherThread.complete(t);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, fromOtherThread.get());
        assertThrows(IllegalArgumentException.class, () -> port.dequeue((k, o, r, f, i) -> { }, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> port.submitConnect(unregistered, InetSocketAddress.createUnresolved("example.invalid", 80)));
        assertEquals(0, port.pendingOperations(), "refused submissions leave nothing in flight");
    }
}
