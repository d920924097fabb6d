package dev.iocp.port.uring;

import dev.iocp.port.PortException;
import dev.iocp.port.PortMetricsRecorder;
import dev.iocp.port.ReceiveBufferSource;

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
 * <p><b>Whose memory.</b> The buffers come from a {@link ReceiveBufferSource}: the caller's
 * (the Netty layer's allocator), so that the bytes of an arrival can be {@linkplain #take taken}
 * as the caller's own buffer without a copy, or, without one, the port's arena. A buffer some of
 * whose bytes were taken is not put back in the ring when the kernel lets go of it: the port
 * releases its reference (the taker's keep the memory alive) and puts a new one in its place.
 *
 * <p><b>Growth.</b> The ring starts with {@link ReceiveBufferSettings#initialBuffers()} and
 * doubles, up to {@link ReceiveBufferSettings#maxBuffers()}, each time the kernel finds it empty
 * (ENOBUFS): that happens only when one batch of completions takes more buffers than the ring
 * has, since every buffer is back in the ring when its completion has been handled. The memory
 * is kept until the port closes ({@link #release}).
 */
final class ReceiveBuffers {
    static final short GROUP = 0;

    private final PortMetricsRecorder metrics;
    private final ProvidedBufferRing ring;
    private final ReceiveBufferSource<Object> source;
    /** Whether {@link #take} hands bytes on: false for the port's own arena memory. */
    private final boolean sharing;
    private final int bufferSize;
    private final int maxBuffers;
    /** Per buffer: the source's buffer; null for a slot whose replacement could not be allocated. */
    private Object[] owned = new Object[0];
    private ByteBuffer[] views = new ByteBuffer[0];
    /** Per buffer: the bytes the kernel has filled so far (incremental consumption only). */
    private int[] filled = new int[0];
    /** Per buffer: whether bytes of it were taken, so it is replaced instead of reused. */
    private boolean[] shared = new boolean[0];
    private int count;
    /** Slots left without a buffer because allocating a replacement failed; refilled when the ring runs dry. */
    private int empty;
    private long exhaustions;
    /** The arrival being handled: its buffer (or -1), where its bytes start, and how many. */
    private int currentId = -1;
    private int currentFrom;
    private int currentLength;
    private boolean currentTaken;
    private boolean currentViewed;

    @SuppressWarnings("unchecked")
    private ReceiveBuffers(ProvidedBufferRing ring, ReceiveBufferSource<?> source, boolean sharing,
                           ReceiveBufferSettings settings, PortMetricsRecorder metrics) {
        this.metrics = metrics;
        this.ring = ring;
        this.source = (ReceiveBufferSource<Object>) source;
        this.sharing = sharing;
        this.bufferSize = ring.incremental() ? settings.incrementalBufferSize() : settings.bufferSize();
        this.maxBuffers = Math.min(settings.maxBuffers(), ring.size());
    }

    /**
     * Registers the ring on {@code ringFd} (from the owner thread) and fills it with the first
     * buffers, from {@code source}, or from {@code arena} when it is null.
     */
    static ReceiveBuffers open(Arena arena, int ringFd, ReceiveBufferSettings settings, ReceiveBufferSource<?> source,
                               PortMetricsRecorder metrics) throws PortException {
        int ringSize = Integer.highestOneBit(Math.max(1, settings.maxBuffers() - 1)) << 1;
        ProvidedBufferRing ring = ProvidedBufferRing.register(arena, ringFd, GROUP, Math.min(ringSize, 32768),
                settings.incremental());
        ReceiveBuffers buffers = source == null
                ? new ReceiveBuffers(ring, new ArenaReceiveMemory(arena), false, settings, metrics)
                : new ReceiveBuffers(ring, source, true, settings, metrics);
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
     * A CQE put {@code result} bytes into buffer {@code bufferId}: they are the arrival being
     * handled until {@link #handled()}, seen through {@link #bytes()} or {@linkplain #take taken}.
     *
     * @param kernelKeepsIt the CQE's {@code F_BUF_MORE}: the kernel goes on filling the buffer
     */
    void arrived(int bufferId, int result, boolean kernelKeepsIt) {
        int from = ring.incremental() ? filled[bufferId] : 0;
        if (owned[bufferId] == null || from + result > bufferSize) {
            // Not what the kernel does: this class's record of the buffer went wrong.
            throw new IllegalStateException("receive of " + result + " bytes at " + from + " overruns buffer "
                    + bufferId + " of " + (owned[bufferId] == null ? 0 : bufferSize) + " bytes");
        }
        if (ring.incremental()) {
            filled[bufferId] = kernelKeepsIt ? from + result : 0;
        }
        currentId = bufferId;
        currentFrom = from;
        currentLength = result;
        currentTaken = false;
        currentViewed = false;
    }

    /**
     * The bytes of the arrival being handled, as a view positioned on them: valid until the
     * buffer is given back. Made and positioned on the first call for the arrival, so an arrival
     * that is taken costs no view, and where the caller moves the position stays where it put it.
     */
    ByteBuffer bytes() {
        int id = current();
        ByteBuffer view = views[id];
        if (view == null) {
            view = views[id] = source.view(owned[id]);
        }
        if (!currentViewed) {
            currentViewed = true;
            view.clear().position(currentFrom).limit(currentFrom + currentLength);
        }
        return view;
    }

    private int current() {
        if (currentId < 0) {
            throw new IllegalStateException("no stream receive completion is being handled");
        }
        return currentId;
    }

    /**
     * The bytes of the arrival being handled as a buffer of the source's that the caller owns
     * (sharing the memory), or null when the memory is the port's own.
     */
    Object take() {
        int id = current();
        if (currentTaken) {
            throw new IllegalStateException("the bytes of this receive completion were taken already");
        }
        if (!sharing) {
            return null;
        }
        Object taken = source.share(owned[id], currentFrom, currentLength);
        currentTaken = true;
        shared[id] = true;
        return taken;
    }

    /** The arrival's handler has returned: its bytes can no longer be seen or taken. */
    void handled() {
        currentId = -1;
    }

    /**
     * Returns a buffer the kernel has let go of to the ring, or a new one in its place when bytes
     * of it were taken; {@link #publish()} hands it over.
     */
    void giveBack(int bufferId) {
        filled[bufferId] = 0; // also for a buffer handed back by a completion without data
        if (shared[bufferId]) {
            shared[bufferId] = false;
            Object old = owned[bufferId];
            owned[bufferId] = null;
            views[bufferId] = null;
            source.release(old); // the takers' references keep its memory
            if (!fill(bufferId)) {
                empty++; // the ring runs with one buffer fewer until exhausted() fills the slot
                return;
            }
        }
        ring.add(bufferId, addressOf(bufferId), bufferSize);
    }

    /** Makes buffers given back visible to the kernel; before it next runs receives. */
    void publish() {
        ring.publish();
    }

    /**
     * The kernel found the ring empty: fills slots left empty, and grows the ring if it may grow.
     *
     * @return whether buffers were added
     */
    boolean exhausted() {
        exhaustions++;
        metrics.providedBufferExhausted();
        boolean added = empty > 0 && refillEmpty();
        int more = Math.min(count, maxBuffers - count);
        if (more > 0) {
            try {
                addBuffers(more);
                added = true;
            } catch (OutOfMemoryError e) {
                // no memory for more: the buffers in use come back soon enough
            }
        }
        ring.publish();
        return added;
    }

    private boolean refillEmpty() {
        boolean refilled = false;
        for (int id = 0; id < count && empty > 0; id++) {
            if (owned[id] == null && fill(id)) {
                empty--;
                ring.add(id, addressOf(id), bufferSize);
                refilled = true;
            }
        }
        return refilled;
    }

    private void addBuffers(int more) {
        int total = count + more;
        owned = Arrays.copyOf(owned, total);
        views = Arrays.copyOf(views, total);
        filled = Arrays.copyOf(filled, total);
        shared = Arrays.copyOf(shared, total);
        int added = 0;
        try {
            for (; added < more; added++) {
                int id = count + added;
                if (!fill(id)) {
                    break;
                }
                ring.add(id, addressOf(id), bufferSize);
            }
        } finally {
            count += added;
            metrics.providedBuffers(count);
            ring.publish();
        }
        if (added == 0) {
            throw new OutOfMemoryError("no receive buffer could be allocated");
        }
    }

    /** Allocates slot {@code id}'s buffer; false (the slot left empty) when the source cannot. */
    private boolean fill(int id) {
        Object buffer;
        try {
            buffer = source.allocate(bufferSize);
        } catch (OutOfMemoryError | RuntimeException e) {
            return false;
        }
        owned[id] = buffer;
        return true;
    }

    private long addressOf(int id) {
        return source.address(owned[id]);
    }

    /**
     * Lets go of every buffer: once the kernel can no longer pick one (the port is closed and
     * drained); what was taken stays valid with its takers.
     */
    void release() {
        for (int id = 0; id < count; id++) {
            Object buffer = owned[id];
            if (buffer != null) {
                owned[id] = null;
                views[id] = null;
                source.release(buffer);
            }
        }
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

    /** The port's own memory, when the caller gives no source: freed with the arena, never shared. */
    private record ArenaReceiveMemory(Arena arena) implements ReceiveBufferSource<MemorySegment> {
        @Override
        public MemorySegment allocate(int capacity) {
            return arena.allocate(capacity, 64);
        }

        @Override
        public long address(MemorySegment buffer) {
            return buffer.address();
        }

        @Override
        public ByteBuffer view(MemorySegment buffer) {
            return buffer.asByteBuffer();
        }

        @Override
        public MemorySegment share(MemorySegment buffer, int offset, int length) {
            throw new UnsupportedOperationException("the port's own receive memory is not shared");
        }

        @Override
        public void release(MemorySegment buffer) {
            // freed with the arena, when the port closes
        }
    }
}
