package dev.iocp.channel.faults;

import dev.iocp.port.Errno;

/**
 * What a chosen operation becomes: a completion with {@code -errno}, or, for sends and
 * receives, a short transfer.
 *
 * <p>A short transfer is made at submission, by offering the kernel only part of the buffers
 * (half of what was offered, at least one byte), so the kernel really moves fewer bytes and the
 * stream stays exact. Rewriting the count of a completed transfer instead would corrupt the
 * stream: a receive whose count is lowered loses the bytes the kernel already took from the
 * socket (the data delivered is a correct prefix, the rest is gone), and a send whose count is
 * lowered makes the channel send again bytes the peer already has.
 *
 * @param errno the error number, or 0 for a short transfer
 */
public record Fault(int errno) {
    /** A short transfer: half of what was offered, at least one byte. */
    public static final Fault SHORT = new Fault(0);

    public Fault {
        if (errno < 0) {
            throw new IllegalArgumentException("errno is positive: " + errno);
        }
    }

    /** A completion with {@code -errno}. */
    public static Fault error(int errno) {
        return new Fault(errno);
    }

    public boolean isShort() {
        return errno == 0;
    }

    @Override
    public String toString() {
        return isShort() ? "SHORT" : Errno.name(errno);
    }
}
