package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.FaultInjectingPort;
import dev.iocp.channel.faults.FaultInjector;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dequeue that fails (the port's wait throws an IOException) must not end the event loop: the
 * loop keeps running, its channels keep working, and the group keeps serving on every loop.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpDequeueFailureTest {

    @Test
    void theLoopSurvivesFailingDequeues() throws Exception {
        FaultTestSupport.assumeReady();
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(2, injector);
        try {
            ChannelTracker tracker = new ChannelTracker();
            EchoHandler.Ledger ledger = new EchoHandler.Ledger();
            Channel server = FaultTestSupport.echoServer(group, tracker, ledger);
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            try (Socket client = new Socket()) {
                client.connect(address, 5_000);
                client.setSoTimeout(10_000);
                FaultTestSupport.echoVerified(client, 1_000, 1);
                Channel child = tracker.lives().keySet().iterator().next();
                EventLoop loop = child.eventLoop();
                Thread loopThread = loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
                FaultInjectingPort port = injector.portOf(loopThread);

                port.failNextDequeues(3);
                // Wake the loop so it dequeues (and fails) now; then let it go round again.
                for (int i = 0; i < 3 && port.dequeueFailuresLeft() > 0 && !loop.isShuttingDown(); i++) {
                    try {
                        loop.execute(() -> { });
                    } catch (RejectedExecutionException terminated) {
                        break;
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (port.dequeueFailuresLeft() > 3 - (i + 1) && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
                assertFalse(loop.isShuttingDown(), () -> "the loop is shutting down (terminated: " + loop.isTerminated()
                        + ") after " + injector.dequeueFailures() + " failed dequeue(s)");
                assertEquals(3, injector.dequeueFailures(), "dequeues that threw (the loop went round after each)");
                assertTrue(loop.submit(() -> true).get(5, TimeUnit.SECONDS), "the loop no longer runs tasks");
                // The channel on that loop still echoes.
                FaultTestSupport.echoVerified(client, 20_000, 2);
            }
            // Every loop still serves new connections (children go round-robin over the loops).
            Set<EventExecutor> served = new HashSet<>();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket();
                    sockets.add(socket);
                    socket.connect(address, 5_000);
                    socket.setSoTimeout(10_000);
                    FaultTestSupport.echoVerified(socket, 5_000, 10 + i);
                }
                for (Channel child : tracker.lives().keySet()) {
                    served.add(child.eventLoop());
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            for (EventExecutor loop : group) {
                assertFalse(loop.isShuttingDown(), () -> loop + " is shutting down");
                assertTrue(served.contains(loop), () -> loop + " served no connection");
            }
            server.close().sync();
        } finally {
            FaultTestSupport.shutdown(group);
        }
    }
}
