package dev.iocp.port.uring;

import dev.iocp.port.Operation;
import dev.iocp.port.uring.sys.IoUringLayouts;
import dev.iocp.port.uring.sys.Sockaddr;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slot table's native scratch: its layout, and poisoning it on release; and its size after a burst. */
class OperationTableTest {

    @Test
    void theScratchAreasOfASlotDoNotOverlapAndFitItsScratch() {
        assertEquals(0, OperationTable.IOVECS);
        assertTrue(OperationTable.MSGHDR >= OperationTable.IOVECS + OperationTable.INLINE_IOVECS * OperationTable.IOVEC_BYTES);
        assertTrue(OperationTable.MSGHDR_BYTES >= 56, "struct msghdr");
        assertTrue(OperationTable.SOCKADDR >= OperationTable.MSGHDR + OperationTable.MSGHDR_BYTES);
        assertTrue(OperationTable.SOCKADDR_BYTES >= Sockaddr.MAX_SIZE);
        assertTrue(OperationTable.TIMESPEC >= OperationTable.SOCKADDR + OperationTable.SOCKADDR_BYTES);
        assertTrue(OperationTable.SOCKADDR_LENGTH >= OperationTable.TIMESPEC + IoUringLayouts.TIMESPEC.byteSize());
        assertTrue(OperationTable.SCRATCH_BYTES >= OperationTable.SOCKADDR_LENGTH + 4, "socklen_t");
        assertTrue(OperationTable.SOCKADDR_UN + dev.iocp.port.uring.sys.SockaddrUn.SIZE <= OperationTable.SOCKADDR,
                "a connect's sockaddr_un fits over the iovecs and msghdr, leaving the sockaddr alone");
        for (long at : new long[] {OperationTable.MSGHDR, OperationTable.SOCKADDR, OperationTable.TIMESPEC,
                OperationTable.SOCKADDR_LENGTH, OperationTable.SCRATCH_BYTES}) {
            assertEquals(0, at % 8, "8-aligned: " + at);
        }
    }

    @Test
    void aReleasedSlotsScratchIsPoisonedWhenAskedTo() {
        try (Arena arena = Arena.ofConfined()) {
            OperationTable table = new OperationTable(arena, true);
            int slot = useScratchOfOneSlot(table, arena);
            assertFalse(isPoisoned(table, slot), "in use: the kernel's arguments are there");
            table.release(slot);
            assertTrue(isPoisoned(table, slot), "released: every byte of its scratch is poison");
        }
    }

    @Test
    void aReleasedSlotsScratchIsLeftAsItWasByDefault() {
        try (Arena arena = Arena.ofConfined()) {
            OperationTable table = new OperationTable(arena, false);
            int slot = useScratchOfOneSlot(table, arena);
            table.release(slot);
            assertFalse(isPoisoned(table, slot));
        }
    }

    @Test
    void poisoningIsOffUnlessTheSystemPropertyTurnsItOn() {
        assertEquals(Boolean.getBoolean("dev.iocp.debug.poison"), OperationTable.POISON_BY_DEFAULT);
    }

    /** Writes an accept's sockaddr and a gathering send's iovecs, nine of them: more than fit inline. */
    private static int useScratchOfOneSlot(OperationTable table, Arena arena) {
        long id = table.acquire(Operation.SEND.ordinal(), 7, null);
        int slot = UserData.slot(id);
        table.acceptAddress(slot);
        ByteBuffer[] buffers = new ByteBuffer[OperationTable.INLINE_IOVECS + 1];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = arena.allocate(16).asByteBuffer();
        }
        table.writeIovecs(slot, buffers, 0, buffers.length);
        return slot;
    }

    private static boolean isPoisoned(OperationTable table, int slot) {
        MemorySegment scratch = table.scratch(slot).asSlice(table.scratchBase(slot), OperationTable.SCRATCH_BYTES);
        MemorySegment overflow = table.iovecOverflow(slot);
        return allPoison(scratch) && (overflow == null || allPoison(overflow));
    }

    private static boolean allPoison(MemorySegment memory) {
        for (long i = 0; i < memory.byteSize(); i++) {
            if (memory.get(JAVA_BYTE, i) != OperationTable.POISON) {
                return false;
            }
        }
        return true;
    }

    /**
     * After a burst, the table shrinks to what the slots still in use need; a slot in use high
     * up holds it until it is released; no operation id from before the shrink names an
     * operation after it; and the native scratch of a slot is the same after regrowth.
     */
    @Test
    void theTableShrinksAfterABurstAndIdsFromBeforeNeverNameLaterOperations() {
        try (Arena arena = Arena.ofConfined()) {
            OperationTable table = new OperationTable(arena, false);
            int burst = 10_000;
            long[] ids = new long[burst];
            for (int i = 0; i < burst; i++) {
                ids[i] = table.acquire(UserData.KIND_RECEIVE_STREAM, i, null);
            }
            assertTrue(table.capacity() >= burst);
            int highSlot = table.slotOf(ids[burst - 1]);
            MemorySegment scratchOfSlot5 = table.scratch(5);
            for (int i = 0; i < burst - 1; i++) { // the last one, high up, stays in use
                table.release(table.slotOf(ids[i]));
            }
            assertTrue(table.capacity() > highSlot, "shrunk below a slot in use: " + table.capacity());
            // After a try, new operations take low slots, so the high one is the last to hold the table up.
            for (int i = 0; i < 2 * burst; i++) {
                table.release(table.slotOf(table.acquire(UserData.KIND_RECEIVE_STREAM, i, null)));
            }
            long low = table.acquire(UserData.KIND_RECEIVE_STREAM, 1, null);
            assertTrue(table.slotOf(low) < 256, "a new operation took slot " + table.slotOf(low));
            table.release(table.slotOf(low));
            table.release(table.slotOf(ids[burst - 1]));
            for (int i = 0; i < 2 * burst && table.capacity() > 256; i++) { // releases, as churn brings them
                table.release(table.slotOf(table.acquire(UserData.KIND_RECEIVE_STREAM, i, null)));
            }
            assertEquals(256, table.capacity(), "the table's size once one operation is left in use");
            for (long id : ids) {
                assertFalse(table.isInFlight(id), "an id from before the shrink names an operation in flight");
            }
            long[] again = new long[burst];
            for (int i = 0; i < burst; i++) { // regrowth: the old ids still name nothing
                again[i] = table.acquire(UserData.KIND_RECEIVE_STREAM, i, null);
            }
            for (long id : ids) {
                assertFalse(table.isInFlight(id), "an id from before the shrink names an operation after it");
            }
            assertEquals(scratchOfSlot5.address(), table.scratch(5).address(), "a slot's scratch moved");
            assertEquals(burst, table.inUse());
        }
    }

    /**
     * A parked slot is handed to no other operation, counts as not in use, holds the table up
     * like a slot in use, and comes back under a new generation.
     */
    @Test
    void aParkedSlotIsKeptForItsSocketAndFreedWhenUnparked() {
        try (Arena arena = Arena.ofConfined()) {
            OperationTable table = new OperationTable(arena, false);
            long accept = table.acquire(Operation.ACCEPT.ordinal(), 1, null);
            int slot = table.slotOf(accept);
            table.park(slot);
            assertEquals(0, table.inUse());
            assertEquals(1, table.parked());
            assertFalse(table.isInFlight(accept), "the parked operation's id names nothing");
            for (int i = 0; i < 300; i++) {
                assertNotEquals(slot, UserData.slot(table.acquire(UserData.KIND_RECEIVE_STREAM, i, null)),
                        "a parked slot was handed to another operation");
            }
            long again = table.acquireParked(slot, Operation.ACCEPT.ordinal(), 1, null);
            assertEquals(slot, table.slotOf(again));
            assertNotEquals(accept, again, "the slot came back under the same generation");
            assertEquals(301, table.inUse());
            table.park(slot);
            table.unpark(slot);
            assertEquals(0, table.parked());
            assertEquals(300, table.inUse());
            assertEquals(slot, UserData.slot(table.acquire(UserData.KIND_RECEIVE_STREAM, 0, null)),
                    "an unparked slot is free again (and on top)");
        }
    }
}
