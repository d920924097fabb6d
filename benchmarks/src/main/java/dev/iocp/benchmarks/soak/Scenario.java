package dev.iocp.benchmarks.soak;

import java.io.IOException;
import java.net.Socket;
import java.util.SplittableRandom;

/**
 * What a driver's connection does next, drawn at random with these weights. A third of the
 * sessions end abnormally (a reset mid-transfer, a connect-and-reset, a half-closure), on top of
 * the whole driver processes that {@code soak.sh} kills.
 */
enum Scenario {
    /** Echo, verified, closed normally. */
    ECHO(34) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException, VerificationFailure,
                InterruptedException {
            EchoSession.run(target.echo(), random, EchoSession.Ending.CLOSE, tally);
        }
    },
    /** Echo with the client's output shut after the last chunk; the rest of the echo still verified. */
    ECHO_HALF_CLOSE(10) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException, VerificationFailure,
                InterruptedException {
            EchoSession.run(target.echo(), random, EchoSession.Ending.HALF_CLOSE, tally);
        }
    },
    /** Echo reset by the client after a random part of it. */
    ECHO_RESET(12) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException, VerificationFailure,
                InterruptedException {
            EchoSession.run(target.echo(), random, EchoSession.Ending.RESET, tally);
        }
    },
    /** Keep-alive HTTP, pipelined, ended by {@code Connection: close}. */
    HTTP(32) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException, VerificationFailure {
            HttpSession.run(target.http(), random, false, tally);
        }
    },
    /** Keep-alive HTTP reset by the client, often in the middle of a request. */
    HTTP_RESET(6) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException, VerificationFailure {
            HttpSession.run(target.http(), random, true, tally);
        }
    },
    /** Connect to either port and reset at once, often before the server has accepted. */
    CONNECT_RESET(6) {
        @Override
        void run(Target target, SplittableRandom random, DriverTally tally) throws IOException {
            Socket socket = ClientSockets.connect(random.nextBoolean() ? target.echo() : target.http());
            ClientSockets.reset(socket);
        }
    };

    private static final int TOTAL_WEIGHT = totalWeight();

    private final int weight;

    Scenario(int weight) {
        this.weight = weight;
    }

    /**
     * Runs one session. Any exception is a failure of the server, with one exception: what a
     * session's own reset provokes is handled inside the session.
     */
    abstract void run(Target target, SplittableRandom random, DriverTally tally)
            throws IOException, VerificationFailure, InterruptedException;

    static Scenario pick(SplittableRandom random) {
        int r = random.nextInt(TOTAL_WEIGHT);
        for (Scenario scenario : values()) {
            r -= scenario.weight;
            if (r < 0) {
                return scenario;
            }
        }
        throw new AssertionError(r);
    }

    private static int totalWeight() {
        int total = 0;
        for (Scenario scenario : values()) {
            total += scenario.weight;
        }
        return total;
    }
}
