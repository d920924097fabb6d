package dev.iocp.examples;

import dev.iocp.channel.Iocp;
import org.junit.jupiter.api.Assumptions;

/** Skips a test of the iocp transport where it cannot run, saying why. */
final class Transports {
    private Transports() {
    }

    static void assumeAvailable(Transport transport) {
        if (transport == Transport.IOCP && !Iocp.isAvailable()) {
            String reason = "transport-iocp unavailable here, skipping: " + Iocp.unavailabilityCause();
            System.out.println(reason);
            Assumptions.assumeTrue(false, reason);
        }
    }
}
