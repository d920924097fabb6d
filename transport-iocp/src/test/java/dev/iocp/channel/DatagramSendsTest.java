package dev.iocp.channel;

import dev.iocp.port.Errno;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DatagramSends}: results taken off in submission order, whatever order they come in. */
class DatagramSendsTest {

    @Test
    void aLaterSendsResultWaitsUntilTheEarlierOnesHaveTheirs() {
        DatagramSends sends = new DatagramSends();
        sends.submitted(11, new Object());
        sends.submitted(12, new Object());
        sends.submitted(13, new Object());
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
                sends.submitted(round * 1000L + i, new Object());
            }
            assertTrue(sends.isFull());
            assertThrows(IllegalStateException.class, () -> sends.submitted(-1, new Object()));
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
        sends.submitted(1, new Object());
        sends.submitted(2, new Object());
        sends.submitted(3, new Object());
        sends.completed(2, 0);
        List<Long> pending = new ArrayList<>();
        sends.cancelPending(pending::add);
        assertEquals(List.of(1L, 3L), pending);
        assertFalse(sends.completed(99, 0));
        assertFalse(sends.completed(2, 0), "a result is taken once");
        assertThrows(IllegalStateException.class, sends::takeHead, "1 has no result yet");
    }

    @Test
    void aSendCancelledWithoutTheChannelAskingIsUnsentAndOneItCancelledIsNot() {
        DatagramSends sends = new DatagramSends();
        sends.submitted(1, new Object());
        sends.submitted(2, new Object());
        sends.submitted(3, new Object());
        sends.failed(new Object(), new IllegalStateException("refused"));
        assertTrue(sends.completed(1, -Errno.EMSGSIZE));
        assertTrue(sends.completed(2, -Errno.ECANCELED)); // the port ended the batch at 1
        sends.cancelPending(id -> { }); // the close cancels 3
        assertTrue(sends.completed(3, -Errno.ECANCELED));
        assertFalse(sends.headUnsent(), "1 failed");
        sends.takeHead();
        assertTrue(sends.headUnsent(), "2 was never sent, and the channel did not cancel it");
        assertEquals(-Errno.ECANCELED, sends.takeHead());
        assertFalse(sends.headUnsent(), "3 was cancelled by the channel");
        sends.takeHead();
        assertFalse(sends.headUnsent(), "one that failed at submission is failed");
        sends.takeHead();
        assertFalse(sends.headUnsent(), "nothing left");
    }

    @Test
    void eachSendKeepsItsMessageAndOneThatFailedAtSubmissionWaitsItsTurn() {
        DatagramSends sends = new DatagramSends();
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        IllegalStateException refused = new IllegalStateException("refused");
        sends.submitted(1, a);
        sends.failed(b, refused);
        sends.submitted(3, c);
        assertTrue(sends.holds(b));
        assertFalse(sends.holds(new Object()));
        assertEquals(3, sends.inFlight());
        assertFalse(sends.headDone(), "a has no result yet");
        List<Long> pending = new ArrayList<>();
        sends.cancelPending(pending::add);
        assertEquals(List.of(1L, 3L), pending, "one that failed at submission is not cancelled");
        assertTrue(sends.completed(1, 5));
        assertSame(a, sends.headMessage());
        assertNull(sends.headFailure());
        assertEquals(5, sends.takeHead());
        assertTrue(sends.headDone());
        assertSame(b, sends.headMessage());
        assertSame(refused, sends.headFailure());
        sends.takeHead();
        assertFalse(sends.holds(b), "taken off");
        assertFalse(sends.headDone());
        assertSame(c, sends.headMessage());
    }
}
