package dev.iocp.channel.faults;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.internal.CleanableDirectBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An allocator that never frees direct memory while a test runs: a released direct buffer's
 * memory is filled with {@link #POISON} and kept in quarantine, so it is never reused. Then
 * <ul>
 *   <li>a receive the kernel completes into released memory overwrites poison, which
 *       {@link #assertNoneWrittenAfterRelease()} finds;</li>
 *   <li>a send the kernel performs from released memory sends poison bytes, which the peer
 *       sees: test data never contains {@link #POISON}.</li>
 * </ul>
 * Released heap buffers are not tracked (the transport hands the kernel direct memory only).
 *
 * <p>The quarantine holds memory until {@link #dispose()}; size the test's traffic to it.
 */
public final class PoisoningAllocator extends AbstractByteBufAllocator {
    /** The byte released memory is filled with; no test data contains it. */
    public static final byte POISON = (byte) 0xE7;
    private static final int SCAN_CHUNK = 64 * 1024;

    private final Set<ByteBuffer> quarantined = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<ByteBuffer> quarantine = new ArrayList<>();
    private final AtomicLong allocated = new AtomicLong();
    private long quarantinedBytes;
    private boolean disposed;

    public PoisoningAllocator() {
        super(true);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        allocated.incrementAndGet();
        ByteBuffer memory = ByteBuffer.allocateDirect(initialCapacity);
        PoisonedDirectBuf buf = new PoisonedDirectBuf(this, memory, maxCapacity);
        buf.clear(); // the wrapping constructor makes the whole buffer readable
        return buf;
    }

    /** Direct buffers handed out so far. */
    public long allocatedDirectBuffers() {
        return allocated.get();
    }

    /** Direct buffers released (and poisoned) so far. */
    public synchronized int quarantinedBuffers() {
        return quarantine.size();
    }

    /** Bytes held in quarantine. */
    public synchronized long quarantinedBytes() {
        return quarantinedBytes;
    }

    /** Poisons released memory and keeps it; idempotent per buffer. */
    synchronized void quarantine(ByteBuffer memory) {
        if (memory == null || disposed || !quarantined.add(memory)) {
            return;
        }
        ByteBuffer view = memory.duplicate().clear();
        byte[] poison = new byte[Math.min(SCAN_CHUNK, view.capacity())];
        java.util.Arrays.fill(poison, POISON);
        while (view.hasRemaining()) {
            view.put(poison, 0, Math.min(poison.length, view.remaining()));
        }
        quarantine.add(memory);
        quarantinedBytes += memory.capacity();
    }

    /**
     * Fails if any released buffer holds something other than poison: memory was written after
     * it was released (a receive completed into a released buffer).
     */
    public void assertNoneWrittenAfterRelease() {
        List<String> problems = new ArrayList<>();
        List<ByteBuffer> snapshot;
        synchronized (this) {
            snapshot = new ArrayList<>(quarantine);
        }
        byte[] chunk = new byte[SCAN_CHUNK];
        for (ByteBuffer memory : snapshot) {
            ByteBuffer view = memory.duplicate().clear();
            int offset = 0;
            while (view.hasRemaining()) {
                int n = Math.min(chunk.length, view.remaining());
                view.get(chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != POISON) {
                        int first = offset + i;
                        int count = 0;
                        for (int j = i; j < n; j++) {
                            if (chunk[j] != POISON) {
                                count++;
                            }
                        }
                        problems.add("a released buffer of " + memory.capacity() + " bytes was written at offset " + first
                                + " (" + count + "+ non-poison bytes, first 0x"
                                + Integer.toHexString(chunk[i] & 0xff) + ")");
                        view.position(view.limit());
                        break;
                    }
                }
                offset += n;
            }
            if (problems.size() > 20) {
                break;
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " released buffer(s) written after release, of "
                    + snapshot.size() + " in quarantine:\n" + String.join("\n", problems));
        }
    }

    /** Lets the quarantined memory go (to the garbage collector); call when the test is over. */
    public synchronized void dispose() {
        disposed = true;
        quarantine.clear();
        quarantined.clear();
        quarantinedBytes = 0;
    }

    /**
     * A direct buffer over memory this allocator made; every way Netty lets memory go (release,
     * a capacity change, freeDirect, a cleaner) ends in {@link #quarantine}.
     */
    @SuppressWarnings("deprecation") // allocateDirect/freeDirect: overridden so that no path frees memory
    private static final class PoisonedDirectBuf extends UnpooledDirectByteBuf {
        private final PoisoningAllocator owner;
        /** The memory the buffer uses now. */
        private ByteBuffer current;

        PoisonedDirectBuf(PoisoningAllocator owner, ByteBuffer memory, int maxCapacity) {
            super(owner, memory, maxCapacity);
            this.owner = owner;
            this.current = memory;
        }

        @Override
        protected ByteBuffer allocateDirect(int initialCapacity) {
            ByteBuffer memory = ByteBuffer.allocateDirect(initialCapacity);
            current = memory;
            return memory;
        }

        @Override
        protected void freeDirect(ByteBuffer buffer) {
            owner.quarantine(buffer);
        }

        @Override
        protected CleanableDirectBuffer allocateDirectBuffer(int capacity) {
            ByteBuffer memory = ByteBuffer.allocateDirect(capacity);
            current = memory;
            return new CleanableDirectBuffer() {
                @Override
                public ByteBuffer buffer() {
                    return memory;
                }

                @Override
                public void clean() {
                    owner.quarantine(memory);
                }
            };
        }

        @Override
        public ByteBuf capacity(int newCapacity) {
            ByteBuffer before = current;
            super.capacity(newCapacity);
            if (current != before) {
                owner.quarantine(before);
            }
            return this;
        }

        @Override
        protected void deallocate() {
            ByteBuffer memory = current;
            super.deallocate();
            owner.quarantine(memory);
        }

        @Override
        public ByteBufAllocator alloc() {
            return owner;
        }
    }
}
