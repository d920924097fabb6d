package dev.iocp.channel;

/**
 * The end of a stream channel's input (0 or -errno) that came while a send was in flight and
 * that closes the channel (an error, or the end of input without half-closure): it is reported
 * once what was flushed before it has been sent, or a send has failed. NIO's flush writes at
 * once, so what a handler flushed before the end was seen is in the socket by then (and a reset
 * fails that write first, which epoll also sees first); here it may still wait behind the send in
 * flight, and the close would fail it with a ClosedChannelException, or fail a send that the
 * reset failed with the close rather than with the reset. (A peer that sends its FIN and then
 * stops reading keeps the channel open until it reads that data or goes away, where NIO would
 * close at once.)
 *
 * <p>An object of its own, made only when an end has to wait: a connection holds a null
 * reference rather than the two fields.
 */
final class EndAfterSend {
    private final int end;
    /** The bytes that were flushed, and not yet sent, when the end came. */
    private long bytesLeft;

    EndAfterSend(int end, long bytesFlushed) {
        this.end = end;
        this.bytesLeft = bytesFlushed;
    }

    /** The end to report: 0 or -errno. */
    int end() {
        return end;
    }

    /**
     * A send completed ({@code result} bytes sent, or -errno): whether the end is due now, that is
     * whether what was flushed before it has been sent, or no send is in flight any more.
     */
    boolean sent(int result, boolean sendInFlight) {
        bytesLeft -= Math.max(result, 0);
        return !sendInFlight || bytesLeft <= 0;
    }
}
