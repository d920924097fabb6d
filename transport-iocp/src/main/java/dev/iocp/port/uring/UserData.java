package dev.iocp.port.uring;

/**
 * The 64-bit {@code user_data} an SQE carries and its CQE returns. It is also the operation id
 * users see.
 *
 * <pre>
 *  63            40 39      32 31                              0
 * +----------------+----------+--------------------------------+
 * |   generation   |   kind   |            slot                |
 * +----------------+----------+--------------------------------+
 * </pre>
 *
 * <ul>
 *   <li><b>slot</b>: the index of the operation's entry in the {@link OperationTable}, which holds
 *       its key, its socket and the memory the kernel uses;</li>
 *   <li><b>kind</b>: the {@link dev.iocp.port.Operation} ordinal, or one of the port's internal
 *       kinds, which never reach a handler;</li>
 *   <li><b>generation</b>: bumped each time a slot is reused, so a completion that does not
 *       match its slot is caught rather than misrouted. Never 0, so no id is 0.</li>
 * </ul>
 */
final class UserData {
    /** The armed read of the wake-up eventfd. */
    static final int KIND_WAKEUP = 0xFF;
    /** A cancellation the port submits for itself (closing a socket, closing the port). */
    static final int KIND_INTERNAL_CANCEL = 0xFE;
    /**
     * A stream receive: reaches handlers as {@link dev.iocp.port.Operation#RECEIVE}, but its
     * completions are routed apart, since only its last one ends the operation.
     */
    static final int KIND_RECEIVE_STREAM = 0xFD;
    /**
     * The steps of a send-file ({@link SpliceSends}), each an SQE of its own that carries the
     * operation's slot and generation: a splice from the file into the pipe, a splice from the
     * pipe into the socket, a poll for the socket to take more, and a no-op that delivers an
     * outcome known when the operation was submitted.
     */
    static final int KIND_SPLICE_IN = 0xF9;
    static final int KIND_SPLICE_OUT = 0xFA;
    static final int KIND_SPLICE_WAIT = 0xFB;
    static final int KIND_SPLICE_DONE = 0xFC;
    /**
     * The watch beside a multishot stream receive ({@link StreamReceives}): a poll for the
     * connection's reset or hang-up that carries the stream's slot and generation.
     */
    static final int KIND_STREAM_WATCH = 0xF8;
    /**
     * A datagram receive ({@link DatagramSubmissions}): reaches handlers as
     * {@link dev.iocp.port.Operation#RECEIVE}, but its completion reads the sender and the
     * truncation out of the slot's msghdr first.
     */
    static final int KIND_RECEIVE_FROM = 0xF7;
    /** A datagram send, routed as {@link #KIND_RECEIVE_FROM} is; reaches handlers as SEND. */
    static final int KIND_SEND_TO = 0xF6;

    static final int GENERATION_MASK = 0xFF_FFFF;

    private UserData() {
    }

    static long encode(int slot, int kind, int generation) {
        return ((long) (generation & GENERATION_MASK) << 40) | ((long) (kind & 0xFF) << 32) | (slot & 0xFFFF_FFFFL);
    }

    static int slot(long userData) {
        return (int) userData;
    }

    static int kind(long userData) {
        return (int) (userData >>> 32) & 0xFF;
    }

    /** The same operation's user_data with another kind: a step of it, or the operation itself. */
    static long withKind(long userData, int kind) {
        return (userData & ~(0xFFL << 32)) | ((long) (kind & 0xFF) << 32);
    }

    static int generation(long userData) {
        return (int) (userData >>> 40) & GENERATION_MASK;
    }

    /** The next generation after {@code generation}, skipping 0. */
    static int nextGeneration(int generation) {
        int next = (generation + 1) & GENERATION_MASK;
        return next == 0 ? 1 : next;
    }
}
