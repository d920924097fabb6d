package dev.iocp.channel;

import dev.iocp.channel.faults.ChannelTracker;
import dev.iocp.channel.faults.Descriptors;
import dev.iocp.channel.faults.EchoHandler;
import dev.iocp.channel.faults.Fault;
import dev.iocp.channel.faults.FaultInjector;
import dev.iocp.channel.faults.FaultRule;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import dev.iocp.testing.Executables;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out of descriptors (EMFILE), a server must not spin: {@code ServerBootstrap}'s acceptor turns
 * auto-read off for a second after an accept error, and the server channel must then stop
 * accepting until auto-read is back, instead of retrying the failing accept at once, forever.
 * Both checks are on behaviour (how many accepts, how much CPU), not on timings.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IocpEmfileTest {

    @Test
    void acceptsFailingWithEmfileAreNotRetriedInALoop() throws Exception {
        FaultTestSupport.assumeReady();
        FaultInjector injector = new FaultInjector();
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(2, injector);
        try {
            ChannelTracker tracker = new ChannelTracker();
            EchoHandler.Ledger ledger = new EchoHandler.Ledger();
            Channel server = FaultTestSupport.echoServer(group, tracker, ledger, b -> b.option(ChannelOption.AUTO_READ, false));
            AtomicLong serverErrors = new AtomicLong();
            // Behind the acceptor (so it still pauses auto-read), instead of the pipeline's tail, which would log each error.
            server.eventLoop().submit(() -> server.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    serverErrors.incrementAndGet();
                }
            })).sync();
            injector.failAcceptsAtOnce(Errno.EMFILE);
            long before = injector.submitted(Operation.ACCEPT);
            server.config().setAutoRead(true);
            Thread.sleep(1_500);
            long accepts = injector.submitted(Operation.ACCEPT) - before;
            long errors = serverErrors.get();
            injector.failAcceptsAtOnce(0);
            assertTrue(errors >= 1, "no accept error reached the server pipeline");
            // One accept, then one each time the acceptor turns auto-read back on (after 1 s): a handful.
            assertTrue(accepts <= 10, () -> accepts + " accepts submitted in 1.5 s of EMFILE (" + errors
                    + " errors fired): the server retries a failing accept without pause");
            // Accepting again once descriptors are back (auto-read returns within a second).
            FaultTestSupport.echoOnce((InetSocketAddress) server.localAddress(), 10_000, 7);
            server.close().sync();
        } finally {
            FaultTestSupport.shutdown(group);
        }
    }

    @Test
    void acceptsFailedAfterTheKernelAcceptedLeakNoDescriptor() throws Exception {
        FaultTestSupport.assumeReady();
        FaultInjector injector = new FaultInjector();
        // Every third accept completes with -EMFILE although the kernel accepted a connection:
        // its descriptor is never adopted, and the port closes it.
        injector.add(FaultRule.on(Operation.ACCEPT).everyNth(3).become(Fault.error(Errno.EMFILE)));
        MultiThreadIoEventLoopGroup group = FaultTestSupport.group(2, injector);
        try {
            ChannelTracker tracker = new ChannelTracker();
            EchoHandler.Ledger ledger = new EchoHandler.Ledger();
            AtomicLong serverErrors = new AtomicLong();
            // Before the acceptor, so it does not pause accepting for a second per error.
            Channel server = FaultTestSupport.echoServer(group, tracker, ledger, b -> b.handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    serverErrors.incrementAndGet();
                }
            }));
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            int baseline = Descriptors.sockets();
            int clients = 30;
            int refused = 0;
            for (int i = 0; i < clients; i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(address, 5_000);
                    socket.setSoTimeout(10_000);
                    FaultTestSupport.echoVerified(socket, 100, i);
                } catch (IOException closedByThePort) {
                    refused++;
                }
            }
            long injected = injector.injected(Operation.ACCEPT, Fault.error(Errno.EMFILE));
            assertTrue(injected >= clients / 3 - 1, () -> "accept errors injected: " + injected);
            assertEquals(injected, refused, "connections closed unserved (their accepts failed)");
            assertEquals(injected, serverErrors.get(), "accept errors fired through the server pipeline");
            assertEquals(clients - refused, tracker.opened(), "children accepted");
            assertTrue(tracker.awaitAllClosed(Duration.ofSeconds(10)), () -> "children still open: " + tracker.problems());
            assertEquals(baseline, Descriptors.awaitSockets(baseline, Duration.ofSeconds(10)),
                    () -> "open sockets: " + Descriptors.describeSockets());
            server.close().sync();
        } finally {
            FaultTestSupport.shutdown(group);
        }
    }

    @Test
    void aServerOutOfDescriptorsDoesNotSpin() throws Exception {
        FaultTestSupport.assumeReady();
        String prlimit = Executables.onPath("prlimit");
        Assumptions.assumeTrue(prlimit != null, "needs prlimit (util-linux) to run a server under a descriptor limit");
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs /proc/PID/stat to read CPU time");
        List<String> command = new ArrayList<>(List.of(prlimit, "--nofile=128:128",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx128m",
                "-cp", System.getProperty("java.class.path")));
        String backend = System.getProperty("dev.iocp.backend");
        if (backend != null) {
            command.add("-Ddev.iocp.backend=" + backend);
        }
        command.add(EmfileEchoServer.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> output = new LinkedBlockingQueue<>();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        List<Socket> clients = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try {
            int port = -1;
            int fdsAtStart = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((port < 0 || fdsAtStart < 0) && System.nanoTime() < deadline) {
                String line = output.poll(100, TimeUnit.MILLISECONDS);
                if (line == null) {
                    if (!child.isAlive()) {
                        break;
                    }
                    continue;
                }
                seen.add(line);
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                } else if (line.startsWith("FDS ")) {
                    fdsAtStart = Integer.parseInt(line.substring(4).trim());
                }
            }
            int listening = port;
            assertTrue(listening > 0, () -> "the child server did not start: " + seen);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listening);
            // 200 connections: more than the 128 descriptors the server may hold, so it runs out.
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket();
                socket.connect(address, 5_000);
                clients.add(socket);
            }
            // Past the acceptor's one-second pause, the server is out of descriptors with
            // connections waiting: it must wait, not retry.
            Thread.sleep(1_500);
            long pid = child.pid();
            long errorsBefore = acceptErrors(child, output, seen);
            long cpuBefore = cpuTicks(pid);
            long wallBefore = System.nanoTime();
            Thread.sleep(3_000);
            long cpuAfter = cpuTicks(pid);
            double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;
            long errors = acceptErrors(child, output, seen) - errorsBefore;
            double share = (cpuAfter - cpuBefore) / (double) clockTicksPerSecond() / wallSeconds;
            // A server that waits uses next to nothing; one that retries uses all the CPU it gets
            // (less than a core on a loaded machine, hence a quarter as the bound).
            assertTrue(share < 0.25, () -> String.format("the server out of descriptors used %.0f%% of a core for %.1f s,"
                    + " with %d accept errors (behaviour check: it retries the failing accept instead of waiting)",
                    share * 100, wallSeconds, errors));
            assertTrue(errors <= 10, () -> errors + " accept errors in " + wallSeconds + " s out of descriptors");
            // Give descriptors back: close enough clients that everyone still connected, and one
            // more, fits in what the server can hold (at least 100 closed).
            int capacity = 128 - fdsAtStart;
            int toClose = Math.max(100, Math.min(clients.size(), clients.size() + 1 - (capacity - 10)));
            for (int i = 0; i < toClose; i++) {
                clients.get(i).close();
            }
            try {
                FaultTestSupport.echoOnce(address, 1_000, 11);
            } catch (IOException e) {
                throw new AssertionError("no echo after " + toClose + " of 200 clients closed (server had "
                        + fdsAtStart + " descriptors open at start, limit 128); child alive: " + child.isAlive()
                        + ", its output: " + childOutput(output, seen), e);
            }
            System.out.printf("EMFILE child: %.1f%% of a core and %d accept errors in %.1f s out of descriptors;"
                    + " %d clients closed%n", share * 100, errors, wallSeconds, toClose);
        } finally {
            for (Socket socket : clients) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            drain.join(2_000);
        }
    }

    /** Asks the child for its count of accept errors. */
    private static long acceptErrors(Process child, BlockingQueue<String> output, List<String> seen)
            throws IOException, InterruptedException {
        child.getOutputStream().write('\n');
        child.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String line = output.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.startsWith("ACCEPT_ERRORS ")) {
                    return Long.parseLong(line.substring(14).trim());
                }
            }
        }
        throw new AssertionError("the child did not report its accept errors: " + childOutput(output, seen));
    }

    private static List<String> childOutput(BlockingQueue<String> output, List<String> seen) {
        List<String> lines = new ArrayList<>(seen);
        output.drainTo(lines);
        return lines.size() > 40 ? lines.subList(lines.size() - 40, lines.size()) : lines;
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3]
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            getconf.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException | InterruptedException e) {
            return 100; // USER_HZ on every Linux architecture the JDK runs on
        }
    }
}
