package dev.iocp.port;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the contract suites share: the port under test, opened before each test on the backend
 * a subclass names (every test is skipped, with the cause printed, where that backend cannot
 * run) and closed after it, and the connections the tests make on it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class PortFixture {

    protected CompletionPort port;
    protected PortDriver driver;

    protected abstract Backend backend();

    /** Opens the port under test; subclasses may open it differently (another setup profile). */
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return backend().openPort(config);
    }

    @BeforeEach
    void openPort() throws IOException {
        Backend backend = backend();
        if (!backend.isAvailable()) {
            System.err.println("SKIPPED " + getClass().getSimpleName() + ": " + backend.name() + " is unavailable: "
                    + backend.unavailabilityCause().getMessage());
        }
        Assumptions.assumeTrue(backend.isAvailable(),
                () -> backend.name() + " is unavailable: " + backend.unavailabilityCause().getMessage());
        port = openPort(PortConfig.DEFAULT);
        driver = new PortDriver(port);
    }

    @AfterEach
    void closePort() throws IOException {
        if (port != null) {
            port.close();
        }
    }

    // ---- connections ----------------------------------------------------------------------

    public record Pair(PortSocket client, PortSocket server) {
    }

    protected PortSocket open(StandardProtocolFamily family, long key) throws IOException {
        PortSocket socket = backend().openSocket(family);
        port.register(socket, key);
        return socket;
    }

    protected PortSocket listener(StandardProtocolFamily family) throws IOException {
        PortSocket listener = backend().openSocket(family);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.listen(128);
        port.register(listener, 0);
        return listener;
    }

    /** A connected pair on the port: client key 1, server key 2. */
    public Pair connectedPair(StandardProtocolFamily family) throws IOException {
        PortSocket listener = listener(family);
        Pair pair = connect(listener, family, listener.localAddress());
        listener.close();
        return pair;
    }

    /** Connects a new client (key 1) to {@code target} and adopts the accepted side (key 2). */
    protected Pair connect(PortSocket listener, StandardProtocolFamily family, SocketAddress target)
            throws IOException {
        PortSocket client = open(family, 1);
        return new Pair(client, acceptWhileConnecting(listener, client, target));
    }

    /** Connects a registered client to {@code listener} and returns the adopted server side (key 2). */
    protected PortSocket acceptWhileConnecting(PortSocket listener, PortSocket client) throws IOException {
        return acceptWhileConnecting(listener, client, listener.localAddress());
    }

    private PortSocket acceptWhileConnecting(PortSocket listener, PortSocket client, SocketAddress target)
            throws IOException {
        PortSocket[] server = new PortSocket[1];
        long accept = port.submitAccept(listener);
        long connect = port.submitConnect(client, target);
        int[] done = new int[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (done[0] < 2 && System.nanoTime() < deadline) {
            port.dequeue((key, operation, result, flags, id) -> {
                try {
                    if (id == accept) {
                        assertTrue(result >= 0, () -> Errno.describe(result));
                        server[0] = port.adoptAccepted(listener, result);
                        port.register(server[0], 2);
                        done[0]++;
                    } else if (id == connect) {
                        assertEquals(0, result, () -> Errno.describe(result));
                        done[0]++;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 16, TimeUnit.SECONDS.toNanos(1));
        }
        assertEquals(2, done[0], "connected");
        return server[0];
    }

    protected static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
