package dev.iocp.port;

/** Bits of the {@code flags} argument of {@link CompletionHandler#onCompletion}. */
public final class CompletionFlags {

    /**
     * After a receive: the socket still had data queued when the operation completed, so
     * another receive will find data at once.
     */
    public static final int INPUT_PENDING = 1;

    private CompletionFlags() {
    }
}
