package dev.iocp.channel;

/**
 * How many bytes a channel's next gathering send offers at most: about what its socket takes at
 * once. A send is partial once the socket's send buffer is full, so offering much more only
 * writes iovecs (and, at the limit, pins up to {@code IOV_MAX} messages) for bytes the kernel
 * leaves for the next send. The first message is always offered whole, whatever its size.
 *
 * <p>The limit is learned from the kernel's answers, as NIO's {@code maxBytesPerGatheringWrite}
 * is: a send taken whole that offered more than half the limit doubles it, a send of which the
 * kernel took less than half halves it. It does not start from {@code SO_SNDBUF}: that would cost
 * a system call per connection, and Linux grows a TCP send buffer by itself (tcp_wmem), so its
 * size at the start says little about it later.
 */
final class GatheringLimit {
    static final long INITIAL = 256 * 1024;
    /** Below this a send is not worth splitting further. */
    static final long MIN = 16 * 1024;
    /** Linux's largest default tcp_wmem is 4 MiB; well above it, no limit matters any more. */
    static final long MAX = 64L * 1024 * 1024;

    private long bytes = INITIAL;

    /** The most bytes the next send should offer (more only for a first message that is larger). */
    long bytes() {
        return bytes;
    }

    /** A send that offered {@code offered} bytes completed having sent {@code sent}. */
    void sent(long offered, long sent) {
        if (sent == offered) {
            if (offered > bytes >> 1) {
                bytes = Math.min(MAX, Math.max(bytes, offered << 1));
            }
        } else if (offered > MIN && sent < offered >> 1) {
            bytes = Math.max(MIN, offered >> 1);
        }
    }
}
