package dev.iocp.port.uring;

import dev.iocp.port.PortException;
import dev.iocp.port.internal.PortMetricsRecorder;
import dev.iocp.port.ReceiveBufferSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The receive memory of one port: buffers in a {@link ProvidedBufferRing} that stream receives
 * of all the port's sockets share, so a connection waiting for data holds none.
 *
 * <p><b>Life of a buffer.</b> It sits in the ring until the kernel picks it for arriving data.
 * The CQE names it; {@link #arrived} makes its bytes the arrival being handled, which the
 * handler sees through {@link #bytes} (and copies) or {@linkplain #take takes}, and
 * {@link #giveBack} then returns the buffer to the ring. With incremental consumption (6.12) the
 * kernel takes only what each arrival needs and keeps the buffer while room is left
 * ({@code IORING_CQE_F_BUF_MORE}); the data of the next arrival follows in the same buffer, so
 * this class keeps, per buffer, how far the kernel has filled it. Small messages of many sockets
 * then share one buffer instead of taking one each.
 *
 * <p><b>Whose memory.</b> With a {@link ReceiveBufferSource} (the Netty layer's allocator) the
 * buffers are the source's, so that the bytes of an arrival can be taken as the caller's own
 * buffer without a copy. A buffer some of whose bytes were taken is not put back in the ring when
 * the kernel lets go of it: the port releases its reference (the takers' keep the memory alive)
 * and puts a new one in its place. Where there is no source, or it cannot allocate (its memory
 * is short, or it gives buffers the kernel cannot fill), a slot takes memory of the port's own
 * arena instead, kept for that slot and never taken (its arrivals are copied); the port goes back
 * to the source when it can. So the ring never runs short for want of a source's memory.
 *
 * <p><b>Growth.</b> The ring starts with {@link ReceiveBufferSettings#initialBuffers()} and
 * doubles, up to {@link ReceiveBufferSettings#maxBuffers()}, each time the kernel finds it empty
 * (ENOBUFS): that happens only when one batch of completions takes more buffers than the ring
 * has, since every buffer is back in the ring when its completion has been handled. The memory
 * is kept until the port closes ({@link #release}).
 */
final class ReceiveBuffers {
    static final short GROUP = 0;
    private static final Logger LOG = Logger.getLogger(ReceiveBuffers.class.getName());
    /** After the source failed, the fills that use the arena before the source is asked again. */
    private static final int FILLS_BETWEEN_SOURCE_RETRIES = 64;

    private final Arena arena;
    private final PortMetricsRecorder metrics;
    private final ProvidedBufferRing ring;
    /** The caller's buffers; null: only the arena's. */
    private final ReceiveBufferSource<Object> source;
    private final int bufferSize;
    private final int maxBuffers;
    /** Per buffer: the source's buffer, or null where the slot uses {@link #fallback} memory. */
    private Object[] owned = new Object[0];
    /** Per buffer: the arena memory the slot uses when it has no source buffer; made when first needed. */
    private MemorySegment[] fallback = new MemorySegment[0];
    /** Per buffer: a view of its current memory, made when first needed. */
    private ByteBuffer[] views = new ByteBuffer[0];
    /** Per buffer: the bytes the kernel has filled so far (incremental consumption only). */
    private int[] filled = new int[0];
    /** Per buffer: whether bytes of it were taken, so it is replaced instead of reused. */
    private boolean[] shared = new boolean[0];
    private int count;
    private long exhaustions;
    /** Whether the source ever gave a buffer: one that fails from the start is not asked again. */
    private boolean sourceWorked;
    private boolean sourceAbandoned;
    /** Fills left before the source is asked again after a failure. */
    private int sourceRetryIn;
    /** The arrival being handled: its buffer (or -1), where its bytes start, and how many. */
    private int currentId = -1;
    private int currentFrom;
    private int currentLength;
    private boolean currentTaken;
    private boolean currentViewed;

    @SuppressWarnings("unchecked")
    private ReceiveBuffers(Arena arena, ProvidedBufferRing ring, ReceiveBufferSource<?> source,
                           ReceiveBufferSettings settings, PortMetricsRecorder metrics) {
        this.arena = arena;
        this.metrics = metrics;
        this.ring = ring;
        this.source = (ReceiveBufferSource<Object>) source;
        this.sourceAbandoned = source == null;
        this.bufferSize = ring.incremental() ? settings.incrementalBufferSize() : settings.bufferSize();
        this.maxBuffers = Math.min(settings.maxBuffers(), ring.size());
    }

    /**
     * Registers the ring on {@code ringFd} (from the owner thread) and fills it with the first
     * buffers, from {@code source} where it can, else from {@code arena}.
     */
    static ReceiveBuffers open(Arena arena, int ringFd, ReceiveBufferSettings settings, ReceiveBufferSource<?> source,
                               PortMetricsRecorder metrics) throws PortException {
        int ringSize = Integer.highestOneBit(Math.max(1, settings.maxBuffers() - 1)) << 1;
        ProvidedBufferRing ring = ProvidedBufferRing.register(arena, ringFd, GROUP, Math.min(ringSize, 32768),
                settings.incremental());
        ReceiveBuffers buffers = new ReceiveBuffers(arena, ring, source, settings, metrics);
        try {
            buffers.addBuffers(Math.min(settings.initialBuffers(), buffers.maxBuffers));
        } catch (OutOfMemoryError e) {
            // The ring is registered, so the port keeps it: it grows when the kernel finds it empty.
            LOG.log(Level.WARNING, "no memory for the port's first receive buffers", e);
        }
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
        if (bufferId >= count || from + result > bufferSize) {
            // Not what the kernel does: this class's record of the buffer went wrong.
            throw new IllegalStateException("receive of " + result + " bytes at " + from + " overruns buffer "
                    + bufferId + " of " + bufferSize + " bytes (" + count + " buffers)");
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
            view = views[id] = owned[id] != null ? source.view(owned[id]) : fallback[id].asByteBuffer();
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
     * All the bytes of the arrival being handled (whatever {@link #bytes()}' position says) as a
     * buffer of the source's that the caller owns, sharing the memory; null when they are in the
     * port's own memory (the caller copies them).
     */
    Object take() {
        int id = current();
        if (currentTaken) {
            throw new IllegalStateException("the bytes of this receive completion were taken already");
        }
        Object buffer = owned[id];
        if (buffer == null) {
            return null;
        }
        Object taken = source.share(buffer, currentFrom, currentLength);
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
            source.release(old); // the takers' references keep its memory
            fill(bufferId);
        } else if (owned[bufferId] == null && !sourceAbandoned) {
            fill(bufferId); // on the arena since the source failed: back to the source when it can
        }
        ring.add(bufferId, addressOf(bufferId), bufferSize);
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
        int more = Math.min(Math.max(count, 1), maxBuffers - count);
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
        int total = count + more;
        owned = Arrays.copyOf(owned, total);
        fallback = Arrays.copyOf(fallback, total);
        views = Arrays.copyOf(views, total);
        filled = Arrays.copyOf(filled, total);
        shared = Arrays.copyOf(shared, total);
        try {
            for (int id = count; id < total; id++) {
                fill(id); // may throw OutOfMemoryError when the arena cannot allocate
                ring.add(id, addressOf(id), bufferSize);
                count = id + 1;
            }
        } finally {
            metrics.providedBuffers(count);
            ring.publish();
        }
    }

    /**
     * Gives slot {@code id} memory: a new buffer of the source's, or, where the source cannot
     * (or is resting after a failure), the slot's arena memory.
     */
    private void fill(int id) {
        views[id] = null;
        if (!sourceAbandoned && sourceRetryIn == 0) {
            try {
                owned[id] = source.allocate(bufferSize);
                sourceWorked = true;
                return;
            } catch (OutOfMemoryError | RuntimeException e) {
                sourceFailed(e);
            }
        } else if (sourceRetryIn > 0) {
            sourceRetryIn--;
        }
        owned[id] = null;
        if (fallback[id] == null) {
            fallback[id] = arena.allocate(bufferSize, 64);
        }
    }

    private void sourceFailed(Throwable cause) {
        if (!sourceWorked) {
            // It never gave a buffer the port can use: asking again per buffer would only fail again.
            sourceAbandoned = true;
            LOG.log(Level.WARNING, "the receive buffer source " + source + " cannot give receive buffers; the port "
                    + "receives into its own memory, and every arrival is copied", cause);
        } else {
            sourceRetryIn = FILLS_BETWEEN_SOURCE_RETRIES;
            LOG.log(Level.FINE, "the receive buffer source failed; the port uses its own memory for a while", cause);
        }
    }

    private long addressOf(int id) {
        Object buffer = owned[id];
        return buffer != null ? source.address(buffer) : fallback[id].address();
    }

    /**
     * Lets go of the source's buffers: once the kernel can no longer pick one (the port is closed
     * and drained); what was taken stays valid with its takers. The arena's memory goes with the
     * arena.
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

    /** Buffers in the ring (each {@link #bufferSize()} bytes). */
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
