package dev.iocp.channel;

import io.netty.channel.ChannelOutboundBuffer;

/**
 * The {@code ByteBuf} half of an {@link IocpSocketChannel}'s writes: turns the flushed buffers at
 * the head of its outbound buffer into one send ({@link OutboundSegments}, bounded by a
 * {@link GatheringLimit}), zero-copy from {@link IocpChannelOption#SEND_ZEROCOPY_THRESHOLD} on,
 * and keeps the messages of zero-copy sends until the kernel lets go of them
 * ({@link ZeroCopyHolds}). The channel keeps the rest: one send in flight, and its completion
 * removing the bytes sent from the outbound buffer.
 */
final class ByteBufSender {
    private final GatheringLimit gatheringLimit = new GatheringLimit();
    /** Made on the first zero-copy send: a connection that never sends zero-copy holds no arrays for it. */
    private ZeroCopyHolds zeroCopyHolds;
    /** Bytes the send in flight offered. */
    private long offered;

    /**
     * Submits the flushed ByteBufs at the head of {@code in} as one send: zero-copy when it
     * offers at least {@code zeroCopyThreshold} bytes (-1: never). The bytes stay in the
     * outbound buffer until the completion removes them.
     *
     * @return the send's operation id
     */
    long send(ChannelOutboundBuffer in, IocpIoRegistration registration, int zeroCopyThreshold) {
        OutboundSegments segments = registration.outboundSegments();
        try {
            segments.collect(in, gatheringLimit.bytes());
            long bytes = segments.bytes();
            long id;
            if (zeroCopyThreshold >= 0 && bytes >= zeroCopyThreshold) {
                id = registration.submitZeroCopySend(segments);
                if (zeroCopyHolds == null) {
                    zeroCopyHolds = new ZeroCopyHolds();
                }
                zeroCopyHolds.hold(id, segments);
            } else {
                id = registration.submitSend(segments);
            }
            offered = bytes;
            return id;
        } finally {
            segments.clear(); // the port has read them (the loop's other channels use it next)
        }
    }

    /** The send in flight completed having sent {@code sent} bytes; before they are removed. */
    void sent(int sent) {
        gatheringLimit.sent(offered, sent);
    }

    /**
     * Operation {@code id} had its last completion: the kernel has let go of its memory, and
     * what a zero-copy send held is released (a no-op for a copying send).
     */
    void released(long id) {
        if (zeroCopyHolds != null) {
            zeroCopyHolds.release(id);
        }
    }

    /** Every send has had its last completion (the channel is unregistered): anything still held is released. */
    void releaseAll() {
        if (zeroCopyHolds != null) {
            zeroCopyHolds.releaseAll();
        }
    }

    /**
     * The channel was unregistered with sends whose last completion never came (the loop was
     * destroyed first): what zero-copy sends held is dropped unreleased (see
     * {@link ZeroCopyHolds#abandonAll}); returns how many messages.
     */
    int abandonAll() {
        return zeroCopyHolds == null ? 0 : zeroCopyHolds.abandonAll();
    }
}
