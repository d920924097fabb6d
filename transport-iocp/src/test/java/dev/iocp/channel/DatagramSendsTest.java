package dev.iocp.channel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DatagramSends}: results taken off in submission order, whatever order they come in. */
class DatagramSendsTest {

    @Test
    void aLaterSendsResultWaitsUntilTheEarlierOnesHaveTheirs() {
        DatagramSends sends = new DatagramSends();
        sends.submitted(11);
        sends.submitted(12);
        sends.submitted(13);
        assertTrue(sends.completed(13, 3));
        assertFalse(sends.headDone(), "11 has no result yet");
        assertTrue(sends.completed(11, 1));
        assertTrue(sends.headDone());
        assertEquals(1, sends.takeHead());
        assertFalse(sends.headDone(), "12 has no result yet");
        assertTrue(sends.completed(12, -111));
        assertEquals(-111, sends.takeHead());
        assertEquals(3, sends.takeHead());
        assertEquals(0, sends.inFlight());
    }

    @Test
    void theRingWrapsAndRefusesMoreThanItHolds() {
        DatagramSends sends = new DatagramSends();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < DatagramSends.MAX_IN_FLIGHT; i++) {
                sends.submitted(round * 1000L + i);
            }
            assertTrue(sends.isFull());
            assertThrows(IllegalStateException.class, () -> sends.submitted(-1));
            for (int i = 0; i < DatagramSends.MAX_IN_FLIGHT; i++) {
                assertTrue(sends.completed(round * 1000L + i, i));
                assertEquals(i, sends.takeHead());
            }
        }
        assertEquals(0, sends.inFlight());
    }

    @Test
    void onlySendsWithoutAResultAreCancelledAndUnknownIdsAreIgnored() {
        DatagramSends sends = new DatagramSends();
        sends.submitted(1);
        sends.submitted(2);
        sends.submitted(3);
        sends.completed(2, 0);
        List<Long> pending = new ArrayList<>();
        sends.forEachPending(pending::add);
        assertEquals(List.of(1L, 3L), pending);
        assertFalse(sends.completed(99, 0));
        assertFalse(sends.completed(2, 0), "a result is taken once");
        assertThrows(IllegalStateException.class, sends::takeHead, "1 has no result yet");
    }
}
