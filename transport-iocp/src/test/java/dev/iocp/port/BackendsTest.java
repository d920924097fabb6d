package dev.iocp.port;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void autoAndIoUringSelectIoUring() {
        assertEquals("io_uring", Backends.byName("auto").name());
        assertEquals("io_uring", Backends.byName(" IO_URING ").name());
        assertEquals("io_uring", Backends.selected().name(), "the default is auto");
    }

    @Test
    void nioIsRefusedWithAClearMessageUntilItExists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("nio"));
        assertTrue(e.getMessage().contains("dev.iocp.backend=nio"), e.getMessage());
        assertTrue(e.getMessage().contains("io_uring"), e.getMessage());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("epoll"));
        assertEquals("unknown dev.iocp.backend=epoll: expected auto, io_uring or nio", e.getMessage());
    }
}
