package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Clients;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.Fault;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.FaultRule;
import dev.iocp.channel.faults.LoopLog;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Echo traffic while the port spoils receives and sends (seeded, so a failure repeats): each
 * error path of the channel runs, and still every channel closes exactly once, every write
 * promise completes, nothing leaks and the loops keep serving. Short transfers alone keep the
 * echo exact.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpFaultInjectionTest {
    private static final Fault[] ERRORS = {Fault.error(Errno.ECONNRESET), Fault.error(Errno.EPIPE),
        Fault.error(Errno.ENOMEM), Fault.error(Errno.ENOBUFS), Fault.error(Errno.ECANCELED)};
    private static final int CONNECTIONS = 50;
    private static final int BYTES = 256 * 1024;

    private final FaultInjector injector = new FaultInjector();
    private MultiThreadIoEventLoopGroup group;
    private LoopLog log;

    @BeforeEach
    void setUp() {
        FaultTestSupport.assumeReady();
        group = FaultTestSupport.group(2, injector);
        log = LoopLog.capture();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (log != null) {
            log.close();
        }
        FaultTestSupport.shutdown(group);
    }

    @Test
    void everyInjectedErrorClosesTheChannelOnceAndSettlesEveryWrite() throws Exception {
        Fault[] faults = new Fault[ERRORS.length + 2];
        System.arraycopy(ERRORS, 0, faults, 0, ERRORS.length);
        faults[ERRORS.length] = Fault.SHORT;
        faults[ERRORS.length + 1] = Fault.SHORT;
        injector.add(FaultRule.on(Operation.RECEIVE, Operation.SEND).randomly(42, 0.08).become(faults));
        ChannelTracker tracker = new ChannelTracker();
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        AtomicInteger exact = new AtomicInteger();
        Clients.Outcome outcome;
        try (Clients clients = new Clients(CONNECTIONS)) {
            outcome = clients.run(CONNECTIONS, Duration.ofSeconds(60), i -> {
                Socket socket = clients.connect(address);
                try {
                    // A spoiled connection loses data, or is closed or reset: give up on it after 3 s.
                    socket.setSoTimeout(3_000);
                    FaultTestSupport.echoVerified(socket, BYTES, i);
                    exact.incrementAndGet();
                } catch (IOException spoiled) {
                    // expected for connections whose operations failed
                } finally {
                    clients.close(socket);
                }
            });
        }
        assertTrue(outcome.allFinished(), outcome::toString);
        String injected = "injected: " + injector.injected() + ", exact echoes " + exact.get() + "/" + CONNECTIONS;
        for (Fault fault : faults) {
            assertTrue(injector.injected(Operation.RECEIVE, fault) + injector.injected(Operation.SEND, fault) > 0,
                    () -> fault + " was never injected: " + injected);
        }
        boolean closed = tracker.awaitAllClosed(Duration.ofSeconds(10));
        boolean settled = ledger.awaitWritesCompleted(5_000);
        int sockets = Descriptors.awaitSockets(baseline, Duration.ofSeconds(10));
        assertEquals(CONNECTIONS, tracker.opened(), "children accepted");
        assertTrue(closed, () -> "children still open (" + injected + "): " + tracker.problems());
        assertEquals(List.of(), tracker.problems(), () -> "channel lives (" + injected + ")");
        assertTrue(settled, () -> (ledger.writesIssued() - ledger.writesCompleted()) + " of " + ledger.writesIssued()
                + " write promises never completed (" + injected + ")");
        assertEquals(List.of(), List.copyOf(ledger.closeFailures()), "failed closes");
        assertEquals(baseline, sockets, () -> "open sockets: " + Descriptors.describeSockets());
        assertEquals(List.of(), log.escapes(), () -> "exceptions that reached an event loop (" + injected + ")");
        // The loops still serve, once the port behaves.
        injector.setEnabled(false);
        FaultTestSupport.echoOnce(address, 50_000, 99);
        server.close().sync();
    }

    @Test
    void shortTransfersKeepTheEchoExact() throws Exception {
        injector.add(FaultRule.on(Operation.RECEIVE, Operation.SEND).randomly(7, 0.3).become(Fault.SHORT));
        ChannelTracker tracker = new ChannelTracker();
        EchoHandler.Ledger ledger = new EchoHandler.Ledger();
        Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
        InetSocketAddress address = (InetSocketAddress) server.localAddress();
        int baseline = Descriptors.sockets();
        Clients.Outcome outcome;
        try (Clients clients = new Clients(CONNECTIONS)) {
            outcome = clients.run(CONNECTIONS, Duration.ofSeconds(60), i -> {
                Socket socket = clients.connect(address);
                try {
                    socket.setSoTimeout(10_000);
                    FaultTestSupport.echoVerified(socket, BYTES, 1000 + i);
                } finally {
                    clients.close(socket);
                }
            });
        }
        String injected = "injected: " + injector.injected();
        assertTrue(outcome.allFinished(), () -> outcome + " (" + injected + ")");
        assertTrue(injector.injected(Operation.RECEIVE, Fault.SHORT) > 0 && injector.injected(Operation.SEND, Fault.SHORT) > 0,
                injected);
        assertTrue(tracker.awaitAllClosed(Duration.ofSeconds(10)), () -> "children still open: " + tracker.problems());
        assertEquals(List.of(), tracker.problems(), "channel lives");
        assertTrue(ledger.awaitWritesCompleted(5_000), "write promises never completed");
        assertEquals(baseline, Descriptors.awaitSockets(baseline, Duration.ofSeconds(10)), () -> "open sockets: "
                + Descriptors.describeSockets());
        assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
        server.close().sync();
    }
}
