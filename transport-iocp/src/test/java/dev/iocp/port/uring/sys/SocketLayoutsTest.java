package dev.iocp.port.uring.sys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pins the socket structures to the sizes and offsets of glibc's and Linux's headers (LP64). */
class SocketLayoutsTest {

    @Test
    void msghdr() {
        assertEquals(56, SocketLayouts.MSGHDR.byteSize());
        assertEquals(0, SocketLayouts.MSG_NAME);
        assertEquals(8, SocketLayouts.MSG_NAMELEN);
        assertEquals(16, SocketLayouts.MSG_IOV);
        assertEquals(24, SocketLayouts.MSG_IOVLEN);
        assertEquals(32, SocketLayouts.MSG_CONTROL);
        assertEquals(40, SocketLayouts.MSG_CONTROLLEN);
        assertEquals(48, SocketLayouts.MSG_FLAGS);
    }

    @Test
    void multicastRequests() {
        assertEquals(12, SocketLayouts.IP_MREQN.byteSize());
        assertEquals(8, SocketLayouts.IMR_IFINDEX);
        assertEquals(136, SocketLayouts.GROUP_REQ.byteSize());
        assertEquals(0, SocketLayouts.GR_INTERFACE);
        assertEquals(8, SocketLayouts.GR_GROUP);
        assertEquals(264, SocketLayouts.GROUP_SOURCE_REQ.byteSize());
        assertEquals(0, SocketLayouts.GSR_INTERFACE);
        assertEquals(8, SocketLayouts.GSR_GROUP);
        assertEquals(136, SocketLayouts.GSR_SOURCE);
    }
}
