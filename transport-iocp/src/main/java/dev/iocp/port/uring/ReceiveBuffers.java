package dev.iocp.port.uring;

import dev.iocp.port.PortException;
import dev.iocp.port.PortMetricsRecorder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The receive memory of one port: buffers in a {@link ProvidedBufferRing} that stream receives
 * of all the port's sockets share, so a connection waiting for data holds none.
 *
 * <p><b>Life of a buffer.</b> It sits in the ring until the kernel picks it for arriving data.
 * The CQE names it; {@link #received} gives the handler a view of the bytes, which the handler
 * copies before it returns, and {@link #giveBack} then returns the buffer to the ring. With
 * incremental consumption (6.12) the kernel takes only what each arrival needs and keeps the
 * buffer while room is left ({@code IORING_CQE_F_BUF_MORE}); the data of the next arrival follows
 * in the same buffer, so this class keeps, per buffer, how far the kernel has filled it. Small
 * messages of many sockets then share one buffer instead of taking one each.
 *
 * <p><b>Growth.</b> The ring starts with {@link ReceiveBufferSettings#initialBuffers()} and
 * doubles, up to {@link ReceiveBufferSettings#maxBuffers()}, each time the kernel finds it empty
 * (ENOBUFS): that happens only when one batch of completions takes more buffers than the ring
 * has, since every buffer is back in the ring when its completion has been handled. The memory
 * is kept until the port closes.
 */
final class ReceiveBuffers {
    static final short GROUP = 0;

    private final Arena arena;
    private final PortMetricsRecorder metrics;
    private final ProvidedBufferRing ring;
    private final int bufferSize;
    private final int maxBuffers;
    private MemorySegment[] memory = new MemorySegment[0];
    private ByteBuffer[] views = new ByteBuffer[0];
    /** Per buffer: the bytes the kernel has filled so far (incremental consumption only). */
    private int[] filled = new int[0];
    private int count;
    private long exhaustions;

    private ReceiveBuffers(Arena arena, ProvidedBufferRing ring, ReceiveBufferSettings settings,
                           PortMetricsRecorder metrics) {
        this.arena = arena;
        this.metrics = metrics;
        this.ring = ring;
        this.bufferSize = ring.incremental() ? settings.incrementalBufferSize() : settings.bufferSize();
        this.maxBuffers = Math.min(settings.maxBuffers(), ring.size());
    }

    /** Registers the ring on {@code ringFd} (from the owner thread) and fills it with the first buffers. */
    static ReceiveBuffers open(Arena arena, int ringFd, ReceiveBufferSettings settings, PortMetricsRecorder metrics)
            throws PortException {
        int ringSize = Integer.highestOneBit(Math.max(1, settings.maxBuffers() - 1)) << 1;
        ProvidedBufferRing ring = ProvidedBufferRing.register(arena, ringFd, GROUP, Math.min(ringSize, 32768),
                settings.incremental());
        ReceiveBuffers buffers = new ReceiveBuffers(arena, ring, settings, metrics);
        buffers.addBuffers(Math.min(settings.initialBuffers(), buffers.maxBuffers));
        return buffers;
    }

    short group() {
        return ring.group();
    }

    boolean incremental() {
        return ring.incremental();
    }

    /**
     * The {@code result} bytes a CQE put into buffer {@code bufferId}, as a view positioned on
     * them: valid until the buffer is given back.
     *
     * @param kernelKeepsIt the CQE's {@code F_BUF_MORE}: the kernel goes on filling the buffer
     */
    ByteBuffer received(int bufferId, int result, boolean kernelKeepsIt) {
        ByteBuffer view = views[bufferId];
        int from = ring.incremental() ? filled[bufferId] : 0;
        if (from + result > bufferSize) {
            // Not what the kernel does: this class's record of the buffer went wrong.
            throw new IllegalStateException("receive of " + result + " bytes at " + from + " overruns buffer "
                    + bufferId + " of " + bufferSize + " bytes");
        }
        view.clear().position(from).limit(from + result);
        if (ring.incremental()) {
            filled[bufferId] = kernelKeepsIt ? from + result : 0;
        }
        return view;
    }

    /** Returns a buffer the kernel has let go of to the ring; {@link #publish()} hands it over. */
    void giveBack(int bufferId) {
        filled[bufferId] = 0; // also for a buffer handed back by a completion without data
        ring.add(bufferId, memory[bufferId].address(), bufferSize);
    }

    /** Makes buffers given back visible to the kernel; before it next runs receives. */
    void publish() {
        ring.publish();
    }

    /**
     * The kernel found the ring empty: grows it if it may grow.
     *
     * @return whether buffers were added
     */
    boolean exhausted() {
        exhaustions++;
        metrics.providedBufferExhausted();
        int more = Math.min(count, maxBuffers - count);
        if (more <= 0) {
            return false;
        }
        try {
            addBuffers(more);
        } catch (OutOfMemoryError e) {
            return false; // no memory for more: the buffers in use come back soon enough
        }
        return true;
    }

    private void addBuffers(int more) {
        MemorySegment slab = arena.allocate((long) more * bufferSize, 64);
        int total = count + more;
        memory = Arrays.copyOf(memory, total);
        views = Arrays.copyOf(views, total);
        filled = Arrays.copyOf(filled, total);
        for (int i = 0; i < more; i++) {
            int id = count + i;
            memory[id] = slab.asSlice((long) i * bufferSize, bufferSize);
            views[id] = memory[id].asByteBuffer();
            ring.add(id, memory[id].address(), bufferSize);
        }
        count = total;
        metrics.providedBuffers(count);
        ring.publish();
    }

    /** Buffers allocated (each {@link #bufferSize()} bytes). */
    int count() {
        return count;
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Times the kernel found the ring empty. */
    long exhaustions() {
        return exhaustions;
    }
}
