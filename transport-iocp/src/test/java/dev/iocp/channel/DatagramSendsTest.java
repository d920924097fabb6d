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

    /** A batch of sends 1 to {@code results.length}, each completed with its result. */
    private static DatagramSends batchCompleted(int... results) {
        DatagramSends sends = new DatagramSends();
        for (int i = 0; i < results.length; i++) {
            sends.submitted(i + 1, new Object());
        }
        for (int i = 0; i < results.length; i++) {
            assertTrue(sends.completed(i + 1, results[i]));
        }
        return sends;
    }

    @Test
    void aSendCancelledWithoutTheChannelAskingAfterTheChainBrokeIsUnsentAndOneItCancelledIsNot() {
        // 2 breaks the chain, so the kernel cancels 3, unsent
        DatagramSends sends = batchCompleted(5, -Errno.EMSGSIZE, -Errno.ECANCELED);
        sends.submitted(4, new Object());
        sends.cancelPending(id -> { }); // the close cancels 4
        assertTrue(sends.completed(4, -Errno.ECANCELED));
        assertEquals(5, sends.takeHead());
        assertFalse(sends.headUnsent(), "2 failed");
        sends.takeHead();
        assertTrue(sends.headUnsent(), "3 was never sent, and the channel did not cancel it");
        assertFalse(sends.headCancelAsked());
        assertEquals(-Errno.ECANCELED, sends.takeHead());
        assertFalse(sends.headUnsent(), "4 was cancelled by the channel");
        assertTrue(sends.headCancelAsked());
        sends.takeHead();
        assertFalse(sends.headUnsent(), "nothing left");
    }

    /** A chain broken by a send the port re-armed: its own result is a success, those after it are cancelled. */
    @Test
    void aCancellationAfterSuccessesOnlyIsUnsentWhereTheChannelCannotSeeTheBreak() {
        DatagramSends sends = batchCompleted(5, -Errno.ECANCELED, -Errno.ECANCELED);
        assertEquals(5, sends.takeHead());
        assertTrue(sends.headUnsent());
        sends.takeHead();
        assertTrue(sends.headUnsent());
    }

    /**
     * A chain that fails at preparation (SUBMIT_ALL): the kernel cancels its head and the links
     * before the failing one, which gets its own errno, and those after it. The head fails, so
     * that the batch after it starts one message further on (an unsent head would be submitted
     * again, the same, for ever); the failing one, after unsent ones, is unsent too, and fails
     * in its own turn, at the head of a batch.
     */
    @Test
    void aBatchHeadCancelledWithoutTheChannelAskingFailsSoTheNextBatchProgresses() {
        DatagramSends sends = batchCompleted(-Errno.ECANCELED, -Errno.ECANCELED, -Errno.EINVAL, -Errno.ECANCELED);
        assertFalse(sends.headUnsent(), "the head has nothing before it to have broken its chain: it fails");
        assertFalse(sends.headCancelAsked());
        sends.takeHead();
        assertTrue(sends.headUnsent());
        sends.takeHead();
        assertTrue(sends.headUnsent(), "an error after an unsent send: it was not sent either");
        assertEquals(-Errno.EINVAL, sends.takeHead());
        assertTrue(sends.headUnsent());
        sends.takeHead();
        // The next batch: its head, alone, gets its own error, which fails it.
        sends.submitted(5, new Object());
        sends.completed(5, -Errno.EINVAL);
        assertFalse(sends.headUnsent(), "a batch's head that fails is failed");
        sends.takeHead();
    }

    @Test
    void aSendSentAfterAnUnsentOneOfItsBatchIsRefusedLoudly() {
        DatagramSends sends = batchCompleted(-Errno.EMSGSIZE, -Errno.ECANCELED, 5);
        sends.takeHead();
        assertTrue(sends.headUnsent());
        sends.takeHead();
        assertThrows(IllegalStateException.class, sends::takeHead, "sending 2 again would put it after 3");
        assertEquals(0, sends.inFlight(), "taken off all the same");
        sends.submitted(4, new Object()); // a new batch: nothing of the last one carries over
        sends.completed(4, 5);
        assertEquals(5, sends.takeHead());
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
