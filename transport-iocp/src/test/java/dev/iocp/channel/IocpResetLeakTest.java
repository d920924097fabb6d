package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Clients;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.LoopLog;
import dev.iocp.channel.faults.TestData;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.iocp.channel.FaultTestSupport.echoServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that reset their connections (close with SO_LINGER 0) in the middle of an echo, at once
 * after connecting, or while the server is not accepting: every child is closed, once, and no
 * descriptor, buffer or exception is left behind.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpResetLeakTest {
    private final FaultInjector injector = new FaultInjector(); // no rules: a window on the ports
    private MultiThreadIoEventLoopGroup group;
    private LoopLog log;

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2, injector);
        log = LoopLog.captureQuietly(); // thousands of connections: the first warnings go in the failure message
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (log != null) {
            log.close();
        }
        FaultTestSupport.shutdown(group);
    }

    /** Every child closed, once; the sockets back to the baseline; every write settled; nothing escaped. */
    private void assertNothingLeft(ChannelTracker tracker, EchoHandler.Ledger ledger, int baseline) throws InterruptedException {
        boolean closed = tracker.awaitAllClosed(Duration.ofSeconds(10));
        int sockets = Descriptors.awaitSockets(baseline, Duration.ofSeconds(10));
        boolean settled = ledger.awaitWritesCompleted(5_000);
        assertTrue(closed, () -> "children still open: " + tracker.problems());
        assertEquals(List.of(), tracker.problems(), "channel lives");
        assertEquals(List.of(), List.copyOf(ledger.closeFailures()), "failed closes");
        assertEquals(baseline, sockets, () -> "open sockets after every child closed (baseline after bind): "
                + Descriptors.describeSockets() + "; " + FaultTestSupport.portState(injector));
        assertTrue(settled, () -> ledger.writesIssued() - ledger.writesCompleted() + " of " + ledger.writesIssued()
                + " write promises never completed");
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
    }

    @Test
    void resetsInTheMiddleOfAnEchoLeakNothing() throws Exception {
        ChannelTracker tracker = new ChannelTracker();
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        int clientsCount = 500;
        int size = 100 * 1024;
        Clients.Outcome outcome;
        try (Clients clients = new Clients(8)) {
            outcome = clients.run(clientsCount, Duration.ofSeconds(60), i -> {
                Socket socket = clients.connect(address);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                byte[] data = TestData.bytes(i, 0, size);
                byte[] sink = new byte[64 * 1024];
                // Write in pieces, taking some echo in between, so no write blocks on a full pipe.
                long received = 0;
                for (int sent = 0; sent < size; sent += 16 * 1024) {
                    out.write(data, sent, Math.min(16 * 1024, size - sent));
                    if (in.available() > 0) {
                        received += in.read(sink);
                    }
                }
                // The echo is under way (the server has sends in flight or queued): reset now.
                // (Unless all of it came back already: then there is nothing more to wait for.)
                if (received < size && in.read(sink) < 0) {
                    throw new IllegalStateException("the server closed before echoing");
                }
                clients.reset(socket);
            });
        }
        assertTrue(outcome.allFinished(), outcome::toString);
        assertEquals(clientsCount, tracker.opened(), "children accepted");
        assertNothingLeft(tracker, ledger, baseline);
        server.close().sync();
    }

    @Test
    void instantResetsLeakNothing() throws Exception {
        ChannelTracker tracker = new ChannelTracker();
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        int clientsCount = 2_000;
        Clients.Outcome outcome;
        try (Clients clients = new Clients(8)) {
            outcome = clients.run(clientsCount, Duration.ofSeconds(60), i -> {
                Socket socket = clients.connect(address);
                if (i % 3 == 0) {
                    socket.getOutputStream().write(TestData.bytes(i, 0, 1 + i % 200));
                }
                clients.reset(socket);
            });
        }
        assertTrue(outcome.allFinished(), outcome::toString);
        assertTrue(tracker.awaitSettled(Duration.ofMillis(500), Duration.ofSeconds(15)),
                () -> "children still open: " + tracker.problems());
        assertTrue(tracker.opened() > 0, "no child was accepted");
        assertNothingLeft(tracker, ledger, baseline);
        server.close().sync();
    }

    @Test
    void childrenResetBeforeTheyWereAcceptedAreActivatedAndClosedOnce() throws Exception {
        ChannelTracker tracker = new ChannelTracker();
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = echoServer(group, tracker, ledger, b -> b.option(ChannelOption.AUTO_READ, false));
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        int clientsCount = 200;
        Clients.Outcome outcome;
        try (Clients clients = new Clients(4)) {
            outcome = clients.run(clientsCount, Duration.ofSeconds(30), i -> clients.reset(clients.connect(address)));
        }
        assertTrue(outcome.allFinished(), outcome::toString);
        assertEquals(0, tracker.opened(), "accepted while auto-read was off");
        // The reset connections wait in the accept queue; now take them.
        server.config().setAutoRead(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tracker.opened() < clientsCount && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(clientsCount, tracker.opened(), "children accepted from the queue of reset connections");
        assertNothingLeft(tracker, ledger, baseline);
        for (Map.Entry<Channel, ChannelTracker.Life> entry : tracker.lives().entrySet()) {
            ChannelTracker.Life life = entry.getValue();
            assertEquals(1, life.active(), () -> "channelActive of " + entry.getKey() + ": " + life.order());
            assertEquals(1, life.inactive(), () -> "channelInactive of " + entry.getKey() + ": " + life.order());
            List<String> events = List.of(life.order().split(","));
            assertTrue(events.indexOf("active") < events.indexOf("inactive"), life::order);
        }
        server.close().sync();
    }
}
