package dev.iocp.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link DatagramReceives}: each completion finds its own buffer, in whatever order they come. */
class DatagramReceivesTest {

    @Test
    void eachCompletionTakesTheBufferItsReceiveWasSubmittedWith() {
        DatagramReceives receives = new DatagramReceives();
        ByteBuf a = Unpooled.buffer(1);
        ByteBuf b = Unpooled.buffer(1);
        ByteBuf c = Unpooled.buffer(1);
        receives.add(1, a);
        receives.add(2, b);
        receives.add(3, c);
        assertSame(b, receives.take(2));
        assertNull(receives.take(2), "taken once");
        assertNull(receives.take(42), "not a receive of this channel");
        List<Long> left = new ArrayList<>();
        receives.forEachId(left::add);
        assertEquals(2, left.size());
        assertSame(c, receives.take(3));
        assertSame(a, receives.take(1));
        assertEquals(0, receives.inFlight());
        a.release();
        b.release();
        c.release();
    }

    @Test
    void itHoldsAtMostItsCapacity() {
        DatagramReceives receives = new DatagramReceives();
        for (int i = 0; i < DatagramReceives.MAX_IN_FLIGHT; i++) {
            receives.add(i, Unpooled.EMPTY_BUFFER);
        }
        assertThrows(IllegalStateException.class, () -> receives.add(-1, Unpooled.EMPTY_BUFFER));
    }
}
