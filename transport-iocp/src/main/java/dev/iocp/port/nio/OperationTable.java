package dev.iocp.port.nio;

import dev.iocp.port.Operation;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The operations of one port, from submission until their completion is dequeued: the nio
 * backend's equivalent of the OVERLAPPED structures of Windows. Each operation occupies a slot
 * holding what must outlive the submit call:
 * <ul>
 *   <li>the key and socket its completion is routed to, and its kind;</li>
 *   <li>its state: {@link #WAITING} in a socket's queue or the timer heap, or {@link #DONE}
 *       once its completion is queued (it can no longer be cancelled then);</li>
 *   <li>its argument: the buffer and the window (position, limit) it had when submitted, the
 *       copied array of a gathering send, the file and range a send-file sends from, the
 *       address to connect to, the shutdown mode, the operation a cancel is aimed at. The
 *       window is copied so that I/O performed later uses what the caller submitted, and the
 *       references keep the buffers reachable until the completion is delivered;</li>
 *   <li>the links of the queue it waits in ({@link WaitQueue}).</li>
 * </ul>
 * Slots are recycled with their gather arrays, so a steady stream of operations allocates
 * nothing here.
 */
final class OperationTable {
    static final byte FREE = 0;
    static final byte WAITING = 1;
    static final byte DONE = 2;

    private static final int GROWTH = 256;

    private long[] keys = new long[0];
    private NioSocket[] sockets = new NioSocket[0];
    private int[] generations = new int[0];
    private byte[] kinds = new byte[0];
    private byte[] states = new byte[0];
    /** A receive's or single send's buffer, a send-file's file, a connect's address, a shutdown's mode. */
    private Object[] arguments = new Object[0];
    private int[] positions = new int[0];
    private int[] limits = new int[0];
    /** Bytes a send offers in all: a short write means the socket buffer is full. */
    private long[] lengths = new long[0];
    /** Where in its file a send-file starts. */
    private long[] filePositions = new long[0];
    /** A datagram's address: the target a send-to names (null: the peer), the sender a receive-from found. */
    private InetSocketAddress[] addresses = new InetSocketAddress[0];
    /** The id a cancel is aimed at. */
    private long[] targets = new long[0];
    private ByteBuffer[][] gathers = new ByteBuffer[0][];
    private int[][] gatherWindows = new int[0][];
    private int[] gatherCounts = new int[0];
    /** Wait-queue links, read and written by {@link WaitQueue}; -1 ends a list. */
    int[] next = new int[0];
    int[] previous = new int[0];
    private int[] free = new int[0];
    private int freeCount;
    private int inUse;

    /** Takes a slot for an operation, {@link #WAITING}, and returns its id. */
    long acquire(Operation kind, long key, NioSocket socket) {
        if (freeCount == 0) {
            grow();
        }
        int slot = free[--freeCount];
        keys[slot] = key;
        sockets[slot] = socket;
        kinds[slot] = (byte) kind.ordinal();
        states[slot] = WAITING;
        inUse++;
        return id(slot);
    }

    long id(int slot) {
        return OperationIds.encode(slot, kinds[slot], generations[slot]);
    }

    /** Whether {@code id} names an operation submitted and not yet delivered. */
    boolean isInFlight(long id) {
        int slot = OperationIds.slot(id);
        // release() bumps the generation, so a free or reused slot never matches an old id
        return slot >= 0 && slot < keys.length && states[slot] != FREE
                && generations[slot] == OperationIds.generation(id) && kinds[slot] == OperationIds.kind(id);
    }

    /** Marks a slot's operation finished and returns its id, for its completion. */
    long finish(int slot) {
        states[slot] = DONE;
        return id(slot);
    }

    byte state(int slot) {
        return states[slot];
    }

    Operation kind(int slot) {
        return Operation.ofOrdinal(kinds[slot]);
    }

    long key(int slot) {
        return keys[slot];
    }

    NioSocket socket(int slot) {
        return sockets[slot];
    }

    Object argument(int slot) {
        return arguments[slot];
    }

    void argument(int slot, Object argument) {
        arguments[slot] = argument;
    }

    InetSocketAddress address(int slot) {
        return addresses[slot];
    }

    void address(int slot, InetSocketAddress address) {
        addresses[slot] = address;
    }

    long target(int slot) {
        return targets[slot];
    }

    void target(int slot, long operationId) {
        targets[slot] = operationId;
    }

    /** Keeps a buffer and the window it has now: the I/O happens later, on this window. */
    void buffer(int slot, ByteBuffer buffer) {
        buffer(slot, buffer, buffer.position(), buffer.limit());
    }

    /** Keeps a buffer and the window it had when it was handed over. */
    void buffer(int slot, ByteBuffer buffer, int position, int limit) {
        arguments[slot] = buffer;
        positions[slot] = position;
        limits[slot] = limit;
        lengths[slot] = limit - position;
    }

    int position(int slot) {
        return positions[slot];
    }

    int limit(int slot) {
        return limits[slot];
    }

    long length(int slot) {
        return lengths[slot];
    }

    /** Keeps the file a send-file sends from, and its range. */
    void file(int slot, FileChannel file, long position, int count) {
        arguments[slot] = file;
        filePositions[slot] = position;
        lengths[slot] = count;
    }

    long filePosition(int slot) {
        return filePositions[slot];
    }

    /**
     * Copies the buffers of a gathering send and their windows: the caller may reuse its array
     * as soon as the submit returns.
     */
    void gather(int slot, ByteBuffer[] buffers, int offset, int length) {
        int[] windows = gatherArrays(slot, length);
        ByteBuffer[] held = gathers[slot];
        long total = 0;
        for (int i = 0; i < length; i++) {
            ByteBuffer buffer = buffers[offset + i];
            held[i] = buffer;
            windows[2 * i] = buffer.position();
            windows[2 * i + 1] = buffer.limit();
            total += buffer.remaining();
        }
        gatherCounts[slot] = length;
        lengths[slot] = total;
    }

    /**
     * As {@link #gather(int, ByteBuffer[], int, int)}, with the windows the buffers had when they
     * were handed over ({@code sourceWindows}: position and limit of each, in pairs).
     */
    void gather(int slot, ByteBuffer[] buffers, int[] sourceWindows, int count) {
        int[] windows = gatherArrays(slot, count);
        System.arraycopy(buffers, 0, gathers[slot], 0, count);
        System.arraycopy(sourceWindows, 0, windows, 0, 2 * count);
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += sourceWindows[2 * i + 1] - sourceWindows[2 * i];
        }
        gatherCounts[slot] = count;
        lengths[slot] = total;
    }

    /** Makes a slot's gather arrays hold {@code length} buffers; returns its window array. */
    private int[] gatherArrays(int slot, int length) {
        ByteBuffer[] held = gathers[slot];
        if (held == null || held.length < length) {
            held = new ByteBuffer[Math.max(length, 8)];
            gathers[slot] = held;
            gatherWindows[slot] = new int[2 * held.length];
        }
        return gatherWindows[slot];
    }

    /** The number of buffers of a gathering send; 0 for any other operation. */
    int gatherCount(int slot) {
        return gatherCounts[slot];
    }

    ByteBuffer[] gatherBuffers(int slot) {
        return gathers[slot];
    }

    /** Position and limit of each gathered buffer, in pairs. */
    int[] gatherWindows(int slot) {
        return gatherWindows[slot];
    }

    /** Frees a slot once its completion is delivered (or dropped): its buffers may go. */
    void release(int slot) {
        sockets[slot] = null;
        arguments[slot] = null;
        addresses[slot] = null;
        int count = gatherCounts[slot];
        if (count > 0) {
            Arrays.fill(gathers[slot], 0, count, null);
            gatherCounts[slot] = 0;
        }
        states[slot] = FREE;
        generations[slot] = OperationIds.nextGeneration(generations[slot]);
        free[freeCount++] = slot;
        inUse--;
    }

    /** Frees every slot: the port is closing and drops what it had not delivered. */
    void releaseAll() {
        for (int slot = 0; slot < states.length; slot++) {
            if (states[slot] != FREE) {
                release(slot);
            }
        }
    }

    /** Operations submitted and not yet delivered. */
    int inUse() {
        return inUse;
    }

    /** How many slots exist; per-slot arrays kept elsewhere grow to this. */
    int capacity() {
        return keys.length;
    }

    private void grow() {
        int oldCapacity = keys.length;
        int capacity = oldCapacity + GROWTH;
        keys = Arrays.copyOf(keys, capacity);
        sockets = Arrays.copyOf(sockets, capacity);
        generations = Arrays.copyOf(generations, capacity);
        kinds = Arrays.copyOf(kinds, capacity);
        states = Arrays.copyOf(states, capacity);
        arguments = Arrays.copyOf(arguments, capacity);
        positions = Arrays.copyOf(positions, capacity);
        limits = Arrays.copyOf(limits, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
        filePositions = Arrays.copyOf(filePositions, capacity);
        targets = Arrays.copyOf(targets, capacity);
        addresses = Arrays.copyOf(addresses, capacity);
        gathers = Arrays.copyOf(gathers, capacity);
        gatherWindows = Arrays.copyOf(gatherWindows, capacity);
        gatherCounts = Arrays.copyOf(gatherCounts, capacity);
        next = Arrays.copyOf(next, capacity);
        previous = Arrays.copyOf(previous, capacity);
        free = Arrays.copyOf(free, capacity);
        // Hand out low slots first: they were allocated first and are warm.
        for (int slot = capacity - 1; slot >= oldCapacity; slot--) {
            free[freeCount++] = slot;
            generations[slot] = 1;
        }
    }
}
