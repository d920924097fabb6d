package dev.iocp.port;

/** Bits of the {@code flags} argument of {@link CompletionHandler#onCompletion}. */
public final class CompletionFlags {

    /**
     * More is waiting, so the same operation submitted again will complete at once:
     * <ul>
     *   <li>after a {@link Operation#RECEIVE}: the socket still had data queued when the
     *       operation completed;</li>
     *   <li>after an {@link Operation#ACCEPT}: more connections were waiting in the accept queue
     *       (a server can accept them in one batch, as Netty's {@code maxMessagesPerRead}
     *       allows).</li>
     * </ul>
     * The flag is a hint that is never wrong when set; when clear, more may still be waiting.
     * Where it is set: io_uring sets it from {@code IORING_CQE_F_SOCK_NONEMPTY}, on receives
     * from 5.19 and on accepts from Linux 6.10 (older kernels never set it on accepts); nio sets
     * it on receives (it reads one byte ahead) but never on accepts, because java.nio's accept
     * does not say whether more connections wait and finding out would cost an accept ahead.
     */
    public static final int INPUT_PENDING = 1;

    /**
     * Not the operation's last completion: another follows, and until it does the operation is
     * still in flight (its memory is still the kernel's, and it counts in
     * {@link CompletionPort#pendingOperations()} and for its socket's close). Only a
     * {@linkplain CompletionPort#submitZeroCopySend zero-copy send} completes this way: with its
     * result, flagged MORE, then with 0 once the kernel has let go of the memory.
     */
    public static final int MORE = 1 << 1;

    private CompletionFlags() {
    }
}
