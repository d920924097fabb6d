package dev.iocp.port.uring;

import dev.iocp.port.Operation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class UserDataTest {

    @Test
    void everyFieldRoundTrips() {
        int[] slots = {0, 1, 255, 256, 65_535, 1 << 20, Integer.MAX_VALUE, -1};
        int[] generations = {1, 2, 0x7F_FFFF, UserData.GENERATION_MASK};
        for (int slot : slots) {
            for (int kind = 0; kind <= 0xFF; kind++) {
                for (int generation : generations) {
                    long packed = UserData.encode(slot, kind, generation);
                    assertEquals(slot, UserData.slot(packed));
                    assertEquals(kind, UserData.kind(packed));
                    assertEquals(generation, UserData.generation(packed));
                }
            }
        }
    }

    @Test
    void internalKindsDoNotCollideWithOperations() {
        assertEquals(true, Operation.values().length < UserData.KIND_INTERNAL_CANCEL);
        assertNotEquals(UserData.KIND_WAKEUP, UserData.KIND_INTERNAL_CANCEL);
    }

    @Test
    void generationsSkipZeroSoNoOperationIdIsZero() {
        assertEquals(1, UserData.nextGeneration(UserData.GENERATION_MASK));
        assertEquals(2, UserData.nextGeneration(1));
        assertNotEquals(0L, UserData.encode(0, 0, UserData.nextGeneration(0)));
    }
}
