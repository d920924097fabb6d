package dev.iocp.port;

/**
 * How a port is sized.
 *
 * @param submissionQueueEntries operations staged per kernel entry; more are never lost, they
 *                               wait for the next batch (a power of two, 1..32768)
 * @param completionQueueEntries completions the kernel can queue before it has to hold them
 *                               back in its overflow list (a power of two, at least the
 *                               submission size)
 */
public record PortConfig(int submissionQueueEntries, int completionQueueEntries) {

    /** 256 submission entries and 4096 completion entries, as Netty's io_uring transport uses. */
    public static final PortConfig DEFAULT = new PortConfig(256, 4096);

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException for a submission size that is not a power of two from 1 to
     *                                  32768, a completion size that is not one from 1 to 65536, or a
     *                                  completion size below the submission size
     */
    public PortConfig {
        requirePowerOfTwo("submissionQueueEntries", submissionQueueEntries, 32768);
        requirePowerOfTwo("completionQueueEntries", completionQueueEntries, 65536);
        if (completionQueueEntries < submissionQueueEntries) {
            throw new IllegalArgumentException("completionQueueEntries (" + completionQueueEntries
                    + ") must be at least submissionQueueEntries (" + submissionQueueEntries + ")");
        }
    }

    private static void requirePowerOfTwo(String name, int value, int max) {
        if (value < 1 || value > max || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(name + " must be a power of two in [1, " + max + "]: " + value);
        }
    }
}
