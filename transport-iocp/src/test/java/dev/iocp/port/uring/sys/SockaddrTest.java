package dev.iocp.port.uring.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Decoding a sockaddr shares what it can with an address decoded before, and nothing else. */
class SockaddrTest {

    private static InetSocketAddress roundTrip(String host, int port, int family, InetSocketAddress like) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(Sockaddr.MAX_SIZE, 8);
            Sockaddr.encode(segment, 0, new InetSocketAddress(InetAddress.getByName(host), port), family);
            return Sockaddr.decode(segment, 0, like);
        }
    }

    @Test
    void theSameHostSharesItsAddressAndTheSamePortTheWholeSocketAddress() throws Exception {
        for (int family : new int[] {LinuxConstants.AF_INET, LinuxConstants.AF_INET6}) { // AF_INET6: v4-mapped
            InetSocketAddress first = roundTrip("127.0.0.1", 8080, family, null);
            assertEquals(new InetSocketAddress("127.0.0.1", 8080), first);
            assertSame(first, roundTrip("127.0.0.1", 8080, family, first), "the same address");
            InetSocketAddress otherPort = roundTrip("127.0.0.1", 40000, family, first);
            assertEquals(new InetSocketAddress("127.0.0.1", 40000), otherPort);
            assertSame(first.getAddress(), otherPort.getAddress(), "the same host");
            InetSocketAddress otherHost = roundTrip("127.0.0.2", 8080, family, first);
            assertEquals(new InetSocketAddress("127.0.0.2", 8080), otherHost);
            assertNotSame(first.getAddress(), otherHost.getAddress());
        }
        InetSocketAddress v6 = roundTrip("::1", 8080, LinuxConstants.AF_INET6, null);
        assertEquals(new InetSocketAddress("::1", 8080), v6);
        InetSocketAddress v4 = roundTrip("127.0.0.1", 8080, LinuxConstants.AF_INET, null);
        assertEquals(new InetSocketAddress("::1", 8080), roundTrip("::1", 8080, LinuxConstants.AF_INET6, v4));
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), roundTrip("127.0.0.1", 8080, LinuxConstants.AF_INET, v6));
    }
}
