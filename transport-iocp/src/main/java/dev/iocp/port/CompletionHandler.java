package dev.iocp.port;

/**
 * Receives dequeued completions. It takes plain values so that dispatching a completion
 * allocates nothing.
 */
@FunctionalInterface
public interface CompletionHandler {

    /**
     * Called once per completion, on the port's owner thread, from inside
     * {@link CompletionPort#dequeue}.
     *
     * @param key         the key the socket was registered with (or the key given to
     *                    {@link CompletionPort#post}, {@link CompletionPort#submitTimeout},
     *                    {@link CompletionPort#submitNop})
     * @param operation   which kind of operation completed
     * @param result      bytes transferred, a handle (accept), 0, a posted value, or
     *                    {@code -errno} on failure (see {@link Errno})
     * @param flags       {@link CompletionFlags} bits
     * @param operationId the id {@code submit*} returned for this operation (0 for posts)
     */
    void onCompletion(long key, Operation operation, int result, int flags, long operationId);
}
