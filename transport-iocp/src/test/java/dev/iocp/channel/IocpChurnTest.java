package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Clients;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.ListenDrops;
import dev.iocp.channel.faults.LoopLog;
import dev.iocp.channel.faults.TestData;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection churn: many short connections, a share of them reset, some echoing verified data.
 * Afterwards every child is closed, the sockets are back to the baseline, nothing leaked and no
 * exception reached a loop. The counts are the full ones; the time each run takes is printed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IocpChurnTest {
    private static final int CLIENT_THREADS = 8;
    /**
     * Where clients connect from. A client that closes first keeps its port in TIME_WAIT, and
     * 100 000 connections outnumber the ephemeral ports; Linux reuses such ports for loopback
     * connections when net.ipv4.tcp_tw_reuse is 2 (its default) or 1. Where it is 0, clients
     * spread over several loopback source addresses, each with its own ports.
     */
    private static final InetAddress[] SOURCES = sources();

    private static InetAddress[] sources() {
        try {
            String reuse = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_tw_reuse")).trim();
            if (!reuse.equals("0")) {
                return new InetAddress[] {null};
            }
            InetAddress[] sources = new InetAddress[8];
            for (int i = 0; i < sources.length; i++) {
                sources[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i)});
            }
            return sources;
        } catch (IOException e) {
            return new InetAddress[] {null};
        }
    }

    private static Socket connect(Clients clients, InetSocketAddress address, int i) throws IOException {
        return clients.connect(address, SOURCES[i % SOURCES.length]);
    }

    private MultiThreadIoEventLoopGroup group;
    private LoopLog log;

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2);
        log = LoopLog.captureQuietly();
    }

    /** The kernel's ListenDrops when the test's connections began. */
    private long listenDropsBefore = -1;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (log != null) {
            log.close();
        }
        FaultTestSupport.shutdown(group);
    }

    private void assertNothingLeft(ChannelTracker tracker, EchoHandler.Ledger ledger, int baseline, int expectedChildren)
            throws InterruptedException {
        boolean settled = tracker.awaitSettled(Duration.ofMillis(500), Duration.ofSeconds(20));
        int sockets = Descriptors.awaitSockets(baseline, Duration.ofSeconds(10));
        assertTrue(settled, () -> (tracker.opened() - tracker.closed()) + " of " + tracker.opened() + " children still open");
        long dropped = listenDropsBefore < 0 ? 0 : ListenDrops.count() - listenDropsBefore;
        assertTrue(tracker.opened() <= expectedChildren && tracker.opened() >= expectedChildren - dropped,
                () -> tracker.opened() + " children accepted of " + expectedChildren + " connections, of which the kernel's"
                        + " full accept queue dropped " + dropped);
        assertEquals(baseline, sockets, () -> "open sockets: " + Descriptors.describeSockets().subList(0,
                Math.min(20, Descriptors.describeSockets().size())));
        assertTrue(ledger.awaitWritesCompleted(5_000), "write promises never completed");
        assertEquals(List.of(), List.copyOf(ledger.closeFailures()), "failed closes");
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
    }

    @Test
    void aHundredThousandConnectsAndClosesLeaveNothingBehind() throws Exception {
        ChannelTracker tracker = new ChannelTracker(false);
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        listenDropsBefore = ListenDrops.count();
        int cycles = 100_000;
        long start = System.nanoTime();
        Clients.Outcome outcome;
        try (Clients clients = new Clients(CLIENT_THREADS)) {
            outcome = clients.run(cycles, Duration.ofSeconds(120), i -> {
                Socket socket = connect(clients, address, i);
                if (i % 4 == 0) {
                    clients.reset(socket); // a quarter end with a reset
                } else {
                    clients.close(socket);
                }
            });
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("churn (%s): %d connect/close cycles in %d ms%n", Iocp.backendName(), cycles, millis);
        assertTrue(outcome.allFinished(), () -> outcome + " (server children still open: "
                + (tracker.opened() - tracker.closed()) + " of " + tracker.opened() + ", open sockets in this JVM: "
                + Descriptors.sockets() + ")");
        assertNothingLeft(tracker, ledger, baseline, cycles);
        server.close().sync();
    }

    @Test
    void tenThousandResetsMixedWithVerifiedEchoesLeaveNothingBehind() throws Exception {
        ChannelTracker tracker = new ChannelTracker(false);
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        listenDropsBefore = ListenDrops.count();
        int resets = 10_000;
        int connections = resets + resets / 4; // one echo for every four resets
        long start = System.nanoTime();
        Clients.Outcome outcome;
        try (Clients clients = new Clients(CLIENT_THREADS)) {
            outcome = clients.run(connections, Duration.ofSeconds(120), i -> {
                SplittableRandom random = new SplittableRandom(i);
                Socket socket = connect(clients, address, i);
                try {
                    if (i % 5 == 4) {
                        socket.setSoTimeout(10_000);
                        FaultTestSupport.echoVerified(socket, 1 + random.nextInt(32 * 1024), i);
                        clients.close(socket);
                    } else {
                        int bytes = random.nextInt(2 * 1024);
                        if (bytes > 0) {
                            socket.getOutputStream().write(TestData.bytes(i, 0, bytes));
                        }
                        clients.reset(socket);
                    }
                } finally {
                    clients.close(socket);
                }
            });
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("churn (%s): %d resets and %d verified echoes in %d ms%n", Iocp.backendName(), resets,
                connections - resets, millis);
        assertTrue(outcome.allFinished(), () -> outcome + " (server children still open: "
                + (tracker.opened() - tracker.closed()) + " of " + tracker.opened() + ")");
        assertNothingLeft(tracker, ledger, baseline, connections);
        server.close().sync();
    }
}
