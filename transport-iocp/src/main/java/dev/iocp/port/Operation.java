package dev.iocp.port;

/**
 * The kinds of operation a {@link CompletionPort} completes. A completion names the kind of the
 * operation it ends, so a handler can dispatch on it without looking anything up.
 */
public enum Operation {
    /** A listening socket accepted a connection: the result is a handle to adopt. */
    ACCEPT,
    /** An outgoing connection was established (result 0) or failed. */
    CONNECT,
    /** Bytes were received into the buffer (result: the count; 0 means end of stream). */
    RECEIVE,
    /** Bytes were sent from the buffers (result: the count, possibly fewer than offered). */
    SEND,
    /**
     * Bytes of a file were sent ({@link CompletionPort#submitSendFile}): the result is the count,
     * possibly fewer than asked; 0 means the file ends at or before the position asked for.
     */
    SEND_FILE,
    /** A direction of the connection was shut down. */
    SHUTDOWN,
    /** The socket was closed; every operation it had in flight has completed before this. */
    CLOSE,
    /** A cancellation request finished: 0 or a count when it found its target, else -ENOENT/-EALREADY. */
    CANCEL,
    /** A timer expired (result 0) or was cancelled (-ECANCELED). */
    TIMEOUT,
    /** A no-op completed (result 0). */
    NOP,
    /** A packet posted with {@link CompletionPort#post}: the result is the posted value. */
    POST,
    /**
     * The peer closed its side of the connection, or the connection failed
     * ({@link CompletionPort#submitPeerClosureWatch}): result 0 (a receive says which it was),
     * or -ECANCELED.
     */
    PEER_CLOSED,
    /**
     * Descriptors were sent on a Unix-domain socket ({@link CompletionPort#submitSendDescriptors}):
     * result 1 (the one data byte that carried them) or -errno.
     */
    SEND_DESCRIPTORS,
    /**
     * A message was received on a Unix-domain socket, with the descriptors it carried
     * ({@link CompletionPort#submitReceiveDescriptors}): the result is the count of data bytes
     * (0 means end of stream), the descriptors are {@linkplain CompletionPort#adoptReceivedDescriptors
     * adopted} from the handler.
     */
    RECEIVE_DESCRIPTORS;

    private static final Operation[] VALUES = values();

    /**
     * The operation with the given ordinal; used by backends that pack the kind into a number.
     *
     * @param ordinal an operation's {@link #ordinal()}
     * @return the operation
     * @throws ArrayIndexOutOfBoundsException for a number that is no operation's ordinal
     */
    public static Operation ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
