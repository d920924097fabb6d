package dev.iocp.port.nio;

/**
 * The 64-bit operation ids of the nio backend, which {@code submit*} returns and completions
 * carry back.
 *
 * <pre>
 *  63            40 39      32 31                              0
 * +----------------+----------+--------------------------------+
 * |   generation   |   kind   |            slot                |
 * +----------------+----------+--------------------------------+
 * </pre>
 *
 * The slot indexes the {@link OperationTable}; the kind is the {@link dev.iocp.port.Operation}
 * ordinal; the generation is bumped each time a slot is reused, so that an id kept after its
 * operation completed (a late cancel) never names the slot's next occupant. The generation is
 * never 0, so no id is 0 (0 is what posts carry).
 */
final class OperationIds {
    static final int GENERATION_MASK = 0xFF_FFFF;

    private OperationIds() {
    }

    static long encode(int slot, int kind, int generation) {
        return ((long) (generation & GENERATION_MASK) << 40) | ((long) (kind & 0xFF) << 32) | (slot & 0xFFFF_FFFFL);
    }

    static int slot(long id) {
        return (int) id;
    }

    static int kind(long id) {
        return (int) (id >>> 32) & 0xFF;
    }

    static int generation(long id) {
        return (int) (id >>> 40) & GENERATION_MASK;
    }

    /** The generation after {@code generation}, skipping 0. */
    static int nextGeneration(int generation) {
        int next = (generation + 1) & GENERATION_MASK;
        return next == 0 ? 1 : next;
    }
}
