package dev.iocp.channel.faults;

import dev.iocp.port.Backend;
import dev.iocp.port.Backends;
import dev.iocp.port.Completion;
import dev.iocp.port.CompletionFlags;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.Errno;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortFixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fault-injecting port keeps the port contract its callers rely on: a stream it fails ends
 * with one final completion, once the real stream is over (so another may be submitted), and
 * nothing it submits itself completes to the caller. A channel counts its operations in flight
 * by their completions; a stray one let its registration go while operations were still in the
 * kernel, and their completions reached the next channel given the same key.
 */
class FaultInjectingPortTest extends PortFixture {
    private static final long SERVER = 2;

    private final FaultInjector injector = new FaultInjector();

    @Override
    protected Backend backend() {
        return Backends.selected();
    }

    @Override
    protected CompletionPort openPort(PortConfig config) throws IOException {
        return injector.decorator().apply(super.openPort(config));
    }

    @Test
    void aFailedStreamEndsOnceAfterTheRealOneAndAnotherMayFollow() throws IOException {
        Pair pair = connectedPair(StandardProtocolFamily.INET);
        injector.add(FaultRule.on(Operation.RECEIVE).everyNth(1).become(Fault.error(Errno.ECONNRESET)));
        long failing = port.submitReceiveStream(pair.server());
        injector.clearRules();
        port.submitSend(pair.client(), ByteBuffer.allocateDirect(100));

        Completion end = driver.await(c -> c.id() == failing && (c.flags() & CompletionFlags.MORE) == 0,
                "the failed stream's end");
        assertEquals(-Errno.ECONNRESET, end.result(), end::toString);
        List<Completion> server = driver.seen().stream().filter(c -> c.key() == SERVER).toList();
        assertEquals(List.of(end), server, "the server socket's completions: only the stream's end");

        long next = port.submitReceiveStream(pair.server()); // the real stream is over
        port.submitSend(pair.client(), ByteBuffer.allocateDirect(10));
        Completion arrival = driver.await(c -> c.id() == next, "the next stream's data");
        assertEquals(CompletionFlags.MORE, arrival.flags() & CompletionFlags.MORE, arrival::toString);
        long serverClose = port.submitClose(pair.server());
        long clientClose = port.submitClose(pair.client());
        driver.awaitUntil(all -> all.stream().filter(c -> c.id() == serverClose || c.id() == clientClose).count() == 2,
                "the closes");
    }
}
