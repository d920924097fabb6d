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
     * The operation stays armed: more completions of it will follow, and the last one comes
     * without this flag. Set on each data completion of a
     * {@linkplain CompletionPort#submitReceiveStream stream receive}; never on single-shot
     * operations.
     */
    public static final int MORE = 2;

    private CompletionFlags() {
    }
}
