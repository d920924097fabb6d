package dev.iocp.port.nio;

import dev.iocp.port.Errno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnsupportedAddressTypeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NioErrorsTest {

    @Test
    void theMessageNamesTheErrorWhereTheClassCoversSeveral() {
        assertEquals(Errno.ECONNREFUSED, NioErrors.errno(new ConnectException("Connection refused")));
        assertEquals(Errno.ETIMEDOUT, NioErrors.errno(new ConnectException("Connection timed out")));
        assertEquals(Errno.ECONNRESET, NioErrors.errno(new SocketException("Connection reset")));
        assertEquals(Errno.ECONNRESET, NioErrors.errno(new IOException("Connection reset by peer")));
        assertEquals(Errno.EPIPE, NioErrors.errno(new IOException("Broken pipe")));
        assertEquals(Errno.EADDRINUSE, NioErrors.errno(new BindException("Address already in use")));
        assertEquals(Errno.EADDRNOTAVAIL, NioErrors.errno(new BindException("Cannot assign requested address")));
        assertEquals(Errno.EADDRINUSE, NioErrors.errno(new BindException("Address already in use (Bind failed)")));
        assertEquals(Errno.ENETUNREACH, NioErrors.errno(new SocketException("Network is unreachable")));
        assertEquals(Errno.EMFILE, NioErrors.errno(new IOException("Too many open files")));
    }

    @Test
    void theClassDecidesWhenTheMessageIsUnknown() {
        assertEquals(Errno.ECONNREFUSED, NioErrors.errno(new ConnectException("refused, in another language")));
        assertEquals(Errno.EADDRINUSE, NioErrors.errno(new BindException(null)));
        assertEquals(Errno.EHOSTUNREACH, NioErrors.errno(new NoRouteToHostException("?")));
        assertEquals(Errno.EIO, NioErrors.errno(new IOException("something else")));
    }

    @Test
    void channelStatesMapToWhatLinuxAnswers() {
        assertEquals(Errno.ENOTCONN, NioErrors.errno(new ClosedChannelException()));
        assertEquals(Errno.ENOTCONN, NioErrors.errno(new NotYetConnectedException()));
        assertEquals(Errno.EISCONN, NioErrors.errno(new AlreadyConnectedException()));
        assertEquals(Errno.EALREADY, NioErrors.errno(new ConnectionPendingException()));
        assertEquals(Errno.EAFNOSUPPORT, NioErrors.errno(new UnsupportedAddressTypeException()));
        assertEquals(Errno.EINVAL, NioErrors.errno(new IllegalArgumentException("Invalid IP_TOS value")));
        assertEquals(Errno.EAFNOSUPPORT, NioErrors.errno(dev.iocp.port.PortException.of("socket", null, -Errno.EAFNOSUPPORT)));
    }

    @Test
    void anUncheckedExceptionThatIsNoSocketErrorIsABugAndPropagates() {
        NullPointerException bug = new NullPointerException();
        assertSame(bug, assertThrows(NullPointerException.class, () -> NioErrors.errno(bug)));
    }

    @Test
    void theExceptionOfASynchronousCallNamesItAll() {
        var e = NioErrors.exception("listen", new java.net.InetSocketAddress("127.0.0.1", 80),
                new BindException("Address already in use"));
        assertEquals("listen(127.0.0.1:80): EADDRINUSE (Address already in use)", e.getMessage());
        assertEquals(Errno.EADDRINUSE, e.errno());
    }
}
