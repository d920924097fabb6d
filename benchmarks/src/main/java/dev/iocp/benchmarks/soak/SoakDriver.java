package dev.iocp.benchmarks.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load side of the soak: {@code --connections} concurrent clients, each running one
 * {@link Scenario} after another against the {@link SoakServer} for {@code --seconds}, then
 * exiting by itself. Plain {@code java.net.Socket}s, loopback only.
 *
 * <p>It runs in its own process so that {@code soak.sh} can kill it with SIGKILL: the kernel
 * then resets all of its connections at once, wherever each one was, which no in-process
 * client can imitate. Its stdout is a log of {@code driver-failure} and {@code driver-tally}
 * lines ({@link DriverTally}).
 */
public final class SoakDriver {
    private static final Set<String> OPTIONS = Set.of("--echo-port", "--http-port", "--connections", "--seconds",
            "--seed");
    private static final long TALLY_EVERY_MILLIS = 2_000;
    // A session in progress at the deadline is let finish; each read gives up after
    // ClientSockets.READ_TIMEOUT_MILLIS, so this bounds the longest legitimate session.
    private static final long FINISH_GRACE_MILLIS = 2L * ClientSockets.READ_TIMEOUT_MILLIS;

    private SoakDriver() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = Options.parse(args, OPTIONS);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Target target = new Target(
                new InetSocketAddress(loopback, options.intValue("--echo-port", -1, 1, 65_535)),
                new InetSocketAddress(loopback, options.intValue("--http-port", -1, 1, 65_535)));
        int connections = options.intValue("--connections", 16, 1, 4_096);
        long seed = options.longValue("--seed", System.nanoTime());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.intValue("--seconds", 30, 1, 86_400));
        System.out.println("driver-start pid=" + ProcessHandle.current().pid() + " connections=" + connections
                + " seed=" + seed);

        DriverTally tally = new DriverTally();
        SplittableRandom seeds = new SplittableRandom(seed);
        Thread[] clients = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            SplittableRandom random = seeds.split();
            clients[i] = Thread.ofVirtual().name("client-" + i).start(() -> runClient(target, random, deadline, tally));
        }
        long giveUp = deadline + TimeUnit.MILLISECONDS.toNanos(FINISH_GRACE_MILLIS);
        for (Thread client : clients) {
            while (client.isAlive() && System.nanoTime() < giveUp) {
                client.join(TALLY_EVERY_MILLIS);
                System.out.println(tally.line(false));
            }
        }
        for (Thread client : clients) {
            if (client.isAlive()) {
                tally.failure(null, "hung", client.getName() + " still in a session " + FINISH_GRACE_MILLIS
                        + " ms after the end");
            }
        }
        System.out.println(tally.line(true));
        // Ends hung clients too; their sockets are closed by the exit.
        System.exit(0);
    }

    private static void runClient(Target target, SplittableRandom random, long deadline, DriverTally tally) {
        while (System.nanoTime() < deadline) {
            Scenario scenario = Scenario.pick(random);
            try {
                scenario.run(target, random, tally);
                tally.sessionDone(scenario);
            } catch (VerificationFailure e) {
                tally.failure(scenario, e.kind(), e.getMessage());
            } catch (SocketTimeoutException e) {
                tally.failure(scenario, "timeout", "no answer within " + ClientSockets.READ_TIMEOUT_MILLIS + " ms");
            } catch (IOException e) {
                tally.failure(scenario, "io", e.toString());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A bug of the harness; counted, so it cannot pass unnoticed.
                tally.failure(scenario, "bug", e.toString());
            }
        }
    }
}
