package dev.iocp.port.uring;

import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.Sockaddr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The operations in flight on one port: io_uring's equivalent of the OVERLAPPED structures of
 * Windows. Each operation occupies a slot from submission until its completion is dequeued, and
 * the slot holds everything that must outlive the submit call:
 * <ul>
 *   <li>the key and socket the completion is routed to;</li>
 *   <li>references to the caller's buffers, so that memory the kernel reads or writes cannot be
 *       collected before the kernel is done with it;</li>
 *   <li>native scratch the kernel reads or writes during the operation: a sockaddr to connect
 *       to or that an accept fills in (with its length), a timespec, a msghdr and its iovec
 *       array.</li>
 * </ul>
 * Slots are recycled, and their scratch and pin arrays with them, so a steady stream of
 * operations allocates nothing.
 *
 * <p><b>Size.</b> The table grows a chunk of 256 slots at a time, and when most of it is free
 * again (a burst of connections has closed) the heap arrays shrink to what the highest slot in
 * use needs, so a port does not keep the size of its busiest moment. A slot in use cannot move
 * (its id is in the kernel), so a try that finds one high up hands out low slots first from then
 * on, and a later try gets further. What
 * shrinking cannot give back stays for regrowth: the native scratch (the arena frees it with the
 * port), the larger iovec arrays, and the slots' generations, which keep counting, so an
 * operation id from before a shrink never names an operation after it.
 */
final class OperationTable {

    // Scratch layout of one slot: iovec[8] | msghdr | sockaddr_in6 | timespec | socklen_t
    // (a descriptor message's data bytes and control buffer overlay the unused parts).
    static final int INLINE_IOVECS = 8;
    static final long IOVEC_BYTES = 16;
    static final long IOVECS = 0;
    static final long MSGHDR = IOVECS + INLINE_IOVECS * IOVEC_BYTES;
    /** {@code struct msghdr} is 56 bytes; 64 keeps what follows 8-aligned. */
    static final long MSGHDR_BYTES = 64;
    static final long SOCKADDR = MSGHDR + MSGHDR_BYTES;
    /** {@code struct sockaddr_in6} (28 bytes), rounded up to 8. */
    static final long SOCKADDR_BYTES = 32;
    static final long TIMESPEC = SOCKADDR + SOCKADDR_BYTES;
    /** The {@code socklen_t} an accept reads (room in the sockaddr) and writes (its length). */
    static final long SOCKADDR_LENGTH = TIMESPEC + IoUringLayouts.TIMESPEC.byteSize();
    /**
     * A Unix-domain connect's {@code struct sockaddr_un} (110 bytes), too big for the sockaddr
     * above: written over the iovecs and the msghdr, which a connect does not use.
     */
    static final long SOCKADDR_UN = IOVECS;
    /**
     * A descriptor message's data bytes ({@link DescriptorMessages}), just after the one iovec
     * that points to them, within the iovec array such a message does not otherwise use.
     */
    static final long DESCRIPTOR_DATA = IOVECS + IOVEC_BYTES;
    static final int DESCRIPTOR_DATA_BYTES = 64;
    /**
     * A descriptor message's control buffer, over the sockaddr and the timespec, which such a
     * message does not use: 48 bytes, {@code CMSG_SPACE} of 8 descriptors.
     */
    static final long CONTROL = SOCKADDR;
    static final long CONTROL_BYTES = SOCKADDR_LENGTH - SOCKADDR;
    static final long SCRATCH_BYTES = 256;

    private static final int CHUNK_SHIFT = 8;
    private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;

    /**
     * Whether ports poison released scratch unless told otherwise: the system property
     * {@code dev.iocp.debug.poison} ({@code true} to turn it on), read once. Off by default.
     */
    static final boolean POISON_BY_DEFAULT = Boolean.getBoolean("dev.iocp.debug.poison");
    /** The byte released scratch is filled with when poisoning. */
    static final byte POISON = (byte) 0xA5;

    private final Arena arena;
    private final boolean poisonReleased;
    private long[] keys = new long[0];
    private UringSocket[] sockets = new UringSocket[0];
    private int[] generations = new int[0];
    private ByteBuffer[] pins = new ByteBuffer[0];
    private ByteBuffer[][] gatherPins = new ByteBuffer[0][];
    private MemorySegment[] iovecOverflow = new MemorySegment[0];
    private MemorySegment[] chunks = new MemorySegment[0];
    private int[] free = new int[0];
    private int freeCount;
    private int inUse;
    private int parked;
    /** One bit per slot in use or parked: what a shrink may not cut. */
    private long[] busy = new long[0];
    /** Releases, while at most a quarter of the table is in use, before the next try to shrink it. */
    private int releasesBeforeShrinkTry;

    /**
     * @param poisonReleased fill a slot's native scratch with {@link #POISON} when it is
     *                       released (a debugging aid; see {@link #release})
     */
    OperationTable(Arena arena, boolean poisonReleased) {
        this.arena = arena;
        this.poisonReleased = poisonReleased;
    }

    /** Whether released scratch is poisoned. */
    boolean poisonsReleased() {
        return poisonReleased;
    }

    /** Takes a slot for an operation of {@code kind} and returns its user_data. */
    long acquire(int kind, long key, UringSocket socket) {
        if (freeCount == 0) {
            grow();
        }
        int slot = free[--freeCount];
        keys[slot] = key;
        sockets[slot] = socket;
        busy[slot >>> 6] |= 1L << slot;
        inUse++;
        return UserData.encode(slot, kind, generations[slot]);
    }

    /** Takes a slot for an operation of {@code kind} on {@code socket}, which counts it as in flight. */
    long acquireFor(int kind, UringSocket socket) {
        long id = acquire(kind, socket.key, socket);
        socket.inFlight++;
        return id;
    }

    /**
     * Checks that {@code userData} names the operation occupying its slot.
     *
     * @throws IllegalStateException for a completion no slot is waiting for: a bug that would
     *                               otherwise misroute a completion
     */
    int slotOf(long userData) {
        int slot = UserData.slot(userData);
        if (slot < 0 || slot >= keys.length || generations[slot] != UserData.generation(userData)) {
            throw new IllegalStateException("completion for an operation not in flight: user_data=0x"
                    + Long.toHexString(userData));
        }
        return slot;
    }

    /** Whether {@code userData} names an operation still in flight. */
    boolean isInFlight(long userData) {
        int slot = UserData.slot(userData);
        // release() bumps the generation, so a free slot never matches an id handed out before
        return slot >= 0 && slot < keys.length && generations[slot] == UserData.generation(userData)
                && UserData.kind(userData) < UserData.KIND_INTERNAL_CANCEL;
    }

    long key(int slot) {
        return keys[slot];
    }

    UringSocket socket(int slot) {
        return sockets[slot];
    }

    /** Keeps one buffer reachable until the slot is released. */
    void pin(int slot, ByteBuffer buffer) {
        pins[slot] = buffer;
    }

    /** Keeps {@code buffers[offset..offset+length)} reachable until the slot is released. */
    void pin(int slot, ByteBuffer[] buffers, int offset, int length) {
        ByteBuffer[] held = gatherPins[slot];
        if (held == null || held.length < length) {
            held = new ByteBuffer[Math.max(length, INLINE_IOVECS)];
            gatherPins[slot] = held;
        }
        System.arraycopy(buffers, offset, held, 0, length);
    }

    /** The native scratch of a slot (see the layout constants). */
    MemorySegment scratch(int slot) {
        return chunks[slot >>> CHUNK_SHIFT];
    }

    /** The larger iovec array a gathering send of more than {@link #INLINE_IOVECS} buffers used, or null. */
    MemorySegment iovecOverflow(int slot) {
        return iovecOverflow[slot];
    }

    /** The offset of a slot's scratch inside {@link #scratch(int)}. */
    long scratchBase(int slot) {
        return (long) (slot & (CHUNK_SLOTS - 1)) * SCRATCH_BYTES;
    }

    /**
     * Readies the slot's sockaddr for an accept to write the peer's address into: its length
     * says how much room there is, its family says "none" until the kernel writes one.
     *
     * @return the native address of the sockaddr; its {@code socklen_t} is at
     *         {@link #acceptAddressLength(int)}
     */
    long acceptAddress(int slot) {
        MemorySegment scratch = scratch(slot);
        long base = scratchBase(slot);
        scratch.set(JAVA_SHORT, base + SOCKADDR, (short) 0); // AF_UNSPEC: decodes as null
        scratch.set(JAVA_INT, base + SOCKADDR_LENGTH, Sockaddr.MAX_SIZE);
        return scratch.address() + base + SOCKADDR;
    }

    /** The native address of the {@code socklen_t} that goes with {@link #acceptAddress(int)}. */
    long acceptAddressLength(int slot) {
        return scratch(slot).address() + scratchBase(slot) + SOCKADDR_LENGTH;
    }

    /**
     * The peer's address a completed accept wrote into the slot, sharing {@code like}'s objects
     * where it names the same host; read before the slot is released.
     */
    InetSocketAddress acceptedPeer(int slot, InetSocketAddress like) {
        return Sockaddr.decode(scratch(slot), scratchBase(slot) + SOCKADDR, like);
    }

    /**
     * Writes an iovec for each buffer's remaining bytes into the slot's inline array, or into a
     * larger array kept with the slot for reuse.
     *
     * @return the native address of the iovec array
     */
    long writeIovecs(int slot, ByteBuffer[] buffers, int offset, int length) {
        MemorySegment target = iovecArray(slot, length);
        long at = iovecOffset(slot, length);
        for (int i = 0; i < length; i++) {
            ByteBuffer buffer = buffers[offset + i];
            target.set(JAVA_LONG, at + i * IOVEC_BYTES, DirectBuffers.address(buffer));
            target.set(JAVA_LONG, at + i * IOVEC_BYTES + 8, buffer.remaining());
        }
        return target.address() + at;
    }

    /**
     * As {@link #writeIovecs(int, ByteBuffer[], int, int)}, for segments given by address and
     * length.
     */
    long writeIovecs(int slot, long[] addresses, int[] lengths, int count) {
        MemorySegment target = iovecArray(slot, count);
        long at = iovecOffset(slot, count);
        for (int i = 0; i < count; i++) {
            target.set(JAVA_LONG, at + i * IOVEC_BYTES, addresses[i]);
            target.set(JAVA_LONG, at + i * IOVEC_BYTES + 8, lengths[i]);
        }
        return target.address() + at;
    }

    /** The memory that holds a slot's array of {@code count} iovecs: its scratch, or a larger array. */
    private MemorySegment iovecArray(int slot, int count) {
        if (count <= INLINE_IOVECS) {
            return scratch(slot);
        }
        MemorySegment overflow = iovecOverflow[slot];
        if (overflow == null || overflow.byteSize() < count * IOVEC_BYTES) {
            overflow = arena.allocate(Integer.highestOneBit(count - 1) * 2L * IOVEC_BYTES, 8);
            iovecOverflow[slot] = overflow;
        }
        return overflow;
    }

    /** Where in {@link #iovecArray} the iovecs start. */
    private long iovecOffset(int slot, int count) {
        return count <= INLINE_IOVECS ? scratchBase(slot) + IOVECS : 0;
    }

    /**
     * Frees a slot once its completion is in: the memory it held is no longer the kernel's.
     *
     * <p>With poisoning on, the slot's scratch (and its larger iovec array, if it has one) is
     * filled with {@link #POISON}: read as a pointer {@code 0xa5a5...} is not a user address
     * (EFAULT), as a length it is far too large, as a sockaddr family or a {@code tv_nsec} it is
     * invalid (EINVAL). Should the kernel ever read an operation's arguments after its completion,
     * the operation that reuses the slot then fails loudly instead of quietly using stale ones.
     */
    void release(int slot) {
        end(slot);
        makeFree(slot);
    }

    /**
     * Ends the operation in a slot, as {@link #release} does, but keeps the slot for its socket's
     * next operation ({@link #acquireParked}) instead of freeing it. A listener's accept is re-armed
     * after each connection, once that connection's own operations have taken the slots freed
     * meanwhile; parked, it keeps the slot it took first instead of climbing to the top of a burst
     * of connections and holding the table at that size after they have all closed.
     */
    void park(int slot) {
        end(slot);
        parked++;
    }

    /** Takes a slot {@link #park parked} for this socket, for an operation of {@code kind}. */
    long acquireParked(int slot, int kind, long key, UringSocket socket) {
        parked--;
        keys[slot] = key;
        sockets[slot] = socket;
        inUse++;
        return UserData.encode(slot, kind, generations[slot]);
    }

    /** Frees a slot {@link #park parked} for a socket that will not use it again. */
    void unpark(int slot) {
        parked--;
        makeFree(slot);
    }

    /** Slots parked for their sockets' next operations. */
    int parked() {
        return parked;
    }

    private void end(int slot) {
        if (poisonReleased) {
            poison(slot);
        }
        sockets[slot] = null;
        pins[slot] = null;
        ByteBuffer[] held = gatherPins[slot];
        if (held != null) {
            Arrays.fill(held, null);
        }
        generations[slot] = UserData.nextGeneration(generations[slot]);
        inUse--;
    }

    private void makeFree(int slot) {
        busy[slot >>> 6] &= ~(1L << slot);
        free[freeCount++] = slot;
        if (inUse <= keys.length / 4 && keys.length > CHUNK_SLOTS && --releasesBeforeShrinkTry <= 0) {
            // A try scans the table: the next comes after half as many releases as are left in
            // use, so tries get closer as the table empties, and cost O(n log n) per burst.
            releasesBeforeShrinkTry = Math.max(1, inUse / 2);
            shrink();
        }
    }

    private void poison(int slot) {
        scratch(slot).asSlice(scratchBase(slot), SCRATCH_BYTES).fill(POISON);
        MemorySegment overflow = iovecOverflow[slot];
        if (overflow != null) {
            overflow.fill(POISON);
        }
    }

    /** Operations in flight. */
    int inUse() {
        return inUse;
    }

    private void grow() {
        int oldCapacity = keys.length;
        int capacity = oldCapacity + CHUNK_SLOTS;
        keys = Arrays.copyOf(keys, capacity);
        sockets = Arrays.copyOf(sockets, capacity);
        pins = Arrays.copyOf(pins, capacity);
        gatherPins = Arrays.copyOf(gatherPins, capacity);
        busy = Arrays.copyOf(busy, capacity >>> 6);
        if (generations.length < capacity) { // else kept from before a shrink, still counting
            generations = Arrays.copyOf(generations, capacity);
            Arrays.fill(generations, oldCapacity, capacity, 1);
            iovecOverflow = Arrays.copyOf(iovecOverflow, capacity);
        }
        int chunk = oldCapacity >>> CHUNK_SHIFT;
        if (chunk == chunks.length) {
            chunks = Arrays.copyOf(chunks, chunk + 1);
            chunks[chunk] = arena.allocate(CHUNK_SLOTS * SCRATCH_BYTES, 8);
        }
        free = Arrays.copyOf(free, capacity);
        // Hand out low slots first: they were allocated first and are warm.
        for (int slot = capacity - 1; slot >= oldCapacity; slot--) {
            free[freeCount++] = slot;
        }
    }

    /**
     * Most slots are free: cuts the heap arrays down to the chunks the highest slot in use
     * needs (and room for as many again as are in use), when that halves them at least, and
     * restacks the free slots lowest first.
     */
    private void shrink() {
        int highest = -1;
        for (int word = busy.length - 1; word >= 0; word--) {
            if (busy[word] != 0) {
                highest = (word << 6) + 63 - Long.numberOfLeadingZeros(busy[word]);
                break;
            }
        }
        int needed = Math.max(highest + 1, 2 * inUse);
        int capacity = Math.max(CHUNK_SLOTS, (needed + CHUNK_SLOTS - 1) & -CHUNK_SLOTS);
        if (capacity <= keys.length / 2) {
            keys = Arrays.copyOf(keys, capacity);
            sockets = Arrays.copyOf(sockets, capacity);
            pins = Arrays.copyOf(pins, capacity);
            gatherPins = Arrays.copyOf(gatherPins, capacity);
            busy = Arrays.copyOf(busy, capacity >>> 6);
            free = new int[capacity];
        }
        // Low slots on top, reused first: the high ones drain, for a later try.
        freeCount = 0;
        for (int slot = keys.length - 1; slot >= 0; slot--) {
            if ((busy[slot >>> 6] & (1L << slot)) == 0) {
                free[freeCount++] = slot;
            }
        }
    }

    /** Slots the table has now (in use or free): its heap arrays' length. */
    int capacity() {
        return keys.length;
    }
}
