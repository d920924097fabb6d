package dev.iocp.port.nio;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.DatagramPortSocket;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortSocket;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.spi.SelectorProvider;

/**
 * Completion ports emulated over java.nio readiness: portable to every platform the JDK runs
 * on, with nothing but the JDK. Slower than io_uring (one system call per operation plus the
 * selector's, and every completion waits for a dequeue), but it keeps the same contract, so
 * the layers above do not know which backend runs. Always available.
 *
 * <p>Socket options TCP_USER_TIMEOUT, TCP_FASTOPEN and TCP_FASTOPEN_CONNECT have no java.nio
 * equivalent and are refused ({@link NioSocketOptions}).
 */
public final class NioBackend implements Backend {

    public static final NioBackend INSTANCE = new NioBackend();

    private NioBackend() {
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public String description() {
        return "java.nio readiness (" + SelectorProvider.provider().getClass().getName() + ") on "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** Opens a socket; its channel is made when it listens or connects (see {@link NioSocket}). */
    @Override
    public PortSocket openSocket(ProtocolFamily family) throws IOException {
        return new NioSocket(family);
    }

    @Override
    public DatagramPortSocket openDatagramSocket(ProtocolFamily family) throws IOException {
        return new NioDatagramSocket(family);
    }

    @Override
    public CompletionPort openPort(PortConfig config) throws IOException {
        return new NioPort(this, config);
    }

    @Override
    public String toString() {
        return name();
    }
}
