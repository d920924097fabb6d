package dev.iocp.port;

/** Bits of the {@code flags} argument of {@link CompletionHandler#onCompletion}. */
public final class CompletionFlags {

    /**
     * More is waiting, so the same operation submitted again (or, for a stream receive, its next
     * completion) will complete at once:
     * <ul>
     *   <li>after a {@link Operation#RECEIVE}: the socket still had data queued when the
     *       operation completed;</li>
     *   <li>after an {@link Operation#ACCEPT}: more connections were waiting in the accept queue
     *       (a server can accept them in one batch, as Netty's {@code maxMessagesPerRead}
     *       allows).</li>
     * </ul>
     * A hint that is never wrong when set, so a caller may keep a read batch open on it; when
     * clear, more may still be waiting, and a caller that wants it reads again.
     * Where it is set: io_uring sets it from {@code IORING_CQE_F_SOCK_NONEMPTY}, on receives
     * from 5.19 and on accepts from Linux 6.10 (older kernels never set it on accepts). nio
     * sets it on single-shot receives, which read one byte ahead in the same scattering read
     * (no extra system call); never on stream receives, whose reads take up to the port's whole
     * buffer instead, nor on accepts, as java.nio's accept does not say whether more
     * connections wait and finding out would cost an accept ahead. No backend guesses it (from
     * a read that filled its buffer, say): a guess would be wrong when the data ended exactly
     * there, and a caller that reads on because of the flag would wait for data that is not
     * coming.
     */
    public static final int INPUT_PENDING = 1;

    /**
     * Not the operation's last completion: another follows, and until the one without this flag
     * the operation is still in flight (its memory is still the kernel's, and it counts in
     * {@link CompletionPort#pendingOperations()} and for its socket's close). Set on each data
     * completion of a {@linkplain CompletionPort#submitReceiveStream stream receive}, and on a
     * {@linkplain CompletionPort#submitZeroCopySend zero-copy send}'s result (its last completion,
     * 0, comes once the kernel has let go of the memory); never on other operations.
     */
    public static final int MORE = 1 << 1;

    /**
     * The datagram a {@linkplain CompletionPort#submitReceiveFrom receive-from} completes with
     * was larger than the buffer: the buffer holds its first {@code result} bytes and the rest
     * is gone ({@code MSG_TRUNC}), as java.nio's {@code DatagramChannel.receive} drops it too.
     * Never set on other operations.
     */
    public static final int TRUNCATED = 1 << 2;

    private CompletionFlags() {
    }
}
