package dev.iocp.channel;

/**
 * How many bytes a channel's next gathering send offers at most: about what its socket takes at
 * once. A send is partial once the socket's send buffer is full, so offering much more only
 * writes iovecs (up to {@code IOV_MAX} of them) for bytes the kernel leaves for the next send. The
 * first message is always offered whole, whatever its size.
 *
 * <p>The limit starts at {@value #INITIAL} bytes, the largest send buffer Linux gives a TCP socket
 * by default (tcp_wmem), so that a channel's first sends offer what it has, as they would without
 * a limit. It then follows the kernel's answers, as NIO's {@code maxBytesPerGatheringWrite} does:
 * a send of which the kernel took less than half halves it (never below what was taken), a send
 * taken whole that offered more than half of it doubles it. It does not start from
 * {@code SO_SNDBUF}: that would cost a system call per connection, and Linux grows a TCP send
 * buffer by itself, so its size at the start says little about it later.
 */
final class GatheringLimit {
    static final long INITIAL = 4L * 1024 * 1024;
    /** Below this a send is not worth splitting further. */
    static final long MIN = 64 * 1024;
    /** Well above any socket buffer Linux grows to by default; past it no limit matters any more. */
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
