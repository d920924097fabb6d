package dev.iocp.port;

import dev.iocp.port.nio.NioBackend;
import dev.iocp.port.uring.IoUringBackend;
import dev.iocp.testing.ExpectedBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ProtocolFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {

    @Test
    void namesSelectTheirBackend() {
        assertSame(IoUringBackend.INSTANCE, Backends.byName(" IO_URING "));
        assertSame(NioBackend.INSTANCE, Backends.byName("nio"));
    }

    @Test
    void autoPrefersIoUringWhereTheMachineAllowsIt() {
        // Judged from the machine, not from the backend's own probe: a probe that wrongly says
        // "unavailable" must fail here rather than quietly make every run a nio run.
        Backend expected = ExpectedBackend.whyIoUringCannotRun().isEmpty() ? IoUringBackend.INSTANCE : NioBackend.INSTANCE;
        assertSame(expected, Backends.byName("auto"), () -> "io_uring says: " + IoUringBackend.INSTANCE.unavailabilityCause());
    }

    @Test
    void autoFallsBackToNioWhenIoUringIsUnavailableAndSaysWhy() {
        Backend blocked = new Unavailable("io_uring_setup was refused (EPERM): a seccomp profile blocks io_uring");
        Backend chosen = Backends.choose(blocked, NioBackend.INSTANCE);
        assertSame(NioBackend.INSTANCE, chosen);
        String log = Backends.describeChoice(chosen, blocked);
        assertTrue(log.contains("uses the nio backend, because io_uring is unavailable: io_uring_setup was refused (EPERM)"),
                log);
        assertTrue(log.contains("-Ddev.iocp.backend=nio"), log);
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.byName("epoll"));
        assertEquals("unknown dev.iocp.backend=epoll: expected auto, io_uring or nio", e.getMessage());
    }

    /** A backend that is never available, as io_uring is under Docker's seccomp profile. */
    private record Unavailable(String why) implements Backend {
        @Override
        public String name() {
            return "io_uring";
        }

        @Override
        public boolean isAvailable() {
            return false;
        }

        @Override
        public Throwable unavailabilityCause() {
            return new BackendUnavailableException(why);
        }

        @Override
        public String description() {
            return "unavailable";
        }

        @Override
        public PortSocket openSocket(ProtocolFamily family) throws IOException {
            throw new BackendUnavailableException(why);
        }

        @Override
        public DatagramPortSocket openDatagramSocket(ProtocolFamily family) throws IOException {
            throw new BackendUnavailableException(why);
        }

        @Override
        public CompletionPort openPort(PortConfig config) throws IOException {
            throw new BackendUnavailableException(why);
        }
    }
}
