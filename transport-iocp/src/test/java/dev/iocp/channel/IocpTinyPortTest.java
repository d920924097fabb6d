package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Clients;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.LoopLog;
import dev.iocp.port.PortConfig;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ports as small as a {@link PortConfig} allows (one submission entry, one completion entry):
 * with 64 connections echoing at once the submission queue is always full and the completion
 * queue overflows into the kernel's backlog. Nothing is lost: every byte comes back, every
 * channel closes, nothing leaks.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpTinyPortTest {
    private static final PortConfig SMALLEST = new PortConfig(1, 1);

    @Test
    void theSmallestPortsLoseNothingUnderLoad() throws Exception {
        FaultTestSupport.assumeReady();
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(2, SMALLEST, injector);
        try (LoopLog log = LoopLog.capture()) {
            ChannelTracker tracker = new ChannelTracker();
            EchoHandler.Ledger ledger = new EchoHandler.Ledger();
            Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            int baseline = Descriptors.sockets();
            int connections = 64;
            Clients.Outcome outcome;
            try (Clients clients = new Clients(connections)) {
                outcome = clients.run(connections, Duration.ofSeconds(60), i -> {
                    Socket socket = clients.connect(address);
                    try {
                        socket.setSoTimeout(15_000);
                        FaultTestSupport.echoVerified(socket, 256 * 1024 + i * 997, 500 + i);
                    } finally {
                        clients.close(socket);
                    }
                });
            }
            assertTrue(outcome.allFinished(), outcome::toString);
            assertEquals(connections, tracker.opened(), "children accepted");
            assertTrue(tracker.awaitAllClosed(Duration.ofSeconds(10)), () -> "children still open: " + tracker.problems());
            assertEquals(List.of(), tracker.problems(), "channel lives");
            assertTrue(ledger.awaitWritesCompleted(5_000), "write promises never completed");
            assertEquals(baseline, Descriptors.awaitSockets(baseline, Duration.ofSeconds(10)),
                    () -> "open sockets: " + Descriptors.describeSockets());
            assertEquals(List.of(), log.escapes(), "exceptions that reached an event loop");
            server.close().sync();
        } finally {
            FaultTestSupport.shutdown(group);
        }
    }
}
