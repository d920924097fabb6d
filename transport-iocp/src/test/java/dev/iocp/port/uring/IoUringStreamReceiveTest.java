package dev.iocp.port.uring;

import dev.iocp.port.Backend;
import dev.iocp.port.CompletionPort;
import dev.iocp.port.StreamReceiveContract;

/** The stream receive contract on io_uring, as the port runs it by default (multishot on 6.0 and newer). */
class IoUringStreamReceiveTest extends StreamReceiveContract {

    @Override
    protected Backend backend() {
        return IoUringBackend.INSTANCE;
    }

    @Override
    protected long receiveMemoryBytes(CompletionPort port) {
        return ((IoUringPort) port).receiveBufferBytes(); // the provided buffer ring's buffers
    }

    /**
     * A multishot receive retries up to 32 times in a row before the kernel requeues it behind
     * other work ({@code MULTISHOT_MAX_RETRY}, io_uring/net.c), each arrival taking up to one buffer.
     */
    @Override
    protected int arrivalsPerTurn() {
        return 32;
    }
}
