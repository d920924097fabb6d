package dev.iocp.port.nio;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimerHeapTest {

    @Test
    void expiresInDeadlineOrderAndForgetsRemovedTimers() {
        TimerHeap heap = new TimerHeap();
        SplittableRandom random = new SplittableRandom(3);
        long now = Long.MAX_VALUE - 500; // deadlines wrap around: compared by difference
        int timers = 2000;
        long[] delays = new long[timers];
        for (int slot = 0; slot < timers; slot++) {
            delays[slot] = random.nextLong(1000);
            heap.add(slot, now, delays[slot]);
        }
        for (int slot = 0; slot < timers; slot += 3) {
            heap.remove(slot);
        }
        assertEquals(-1, heap.pollExpired(now - 1), "nothing is due before its time");
        boolean[] expired = new boolean[timers];
        long previous = -1;
        int slot;
        while ((slot = heap.pollExpired(now + 1000)) >= 0) {
            assertTrue(slot % 3 != 0, "removed timer " + slot + " expired");
            assertTrue(delays[slot] >= previous, "in deadline order");
            assertTrue(!expired[slot], "once");
            expired[slot] = true;
            previous = delays[slot];
        }
        for (int s = 0; s < timers; s++) {
            assertEquals(s % 3 != 0, expired[s], "timer " + s);
        }
        assertTrue(heap.isEmpty());
    }

    @Test
    void onlyWhatIsDueExpires() {
        TimerHeap heap = new TimerHeap();
        heap.add(0, 0, 100);
        heap.add(1, 0, 10);
        heap.add(2, 0, 50);
        assertEquals(10, heap.nextDeadline());
        assertEquals(1, heap.pollExpired(60));
        assertEquals(2, heap.pollExpired(60));
        assertEquals(-1, heap.pollExpired(60));
        assertEquals(0, heap.pollExpired(100));
    }

    @Test
    void anEnormousDelayDoesNotOverflow() {
        TimerHeap heap = new TimerHeap();
        heap.add(0, 0, Long.MAX_VALUE);
        heap.add(1, 0, 10);
        assertEquals(1, heap.pollExpired(10));
        assertEquals(-1, heap.pollExpired(Long.MAX_VALUE / 8));
    }
}
