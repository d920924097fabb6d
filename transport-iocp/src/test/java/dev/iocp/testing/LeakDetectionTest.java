package dev.iocp.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard every test runs under does catch a leak. */
class LeakDetectionTest {

    @Test
    void runsAtParanoidLevel() {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
    }

    @Test
    void aBufferDroppedWithoutReleaseIsReported() {
        leakOne();
        List<String> leaks = LeakDetection.collectLeaks();
        assertFalse(leaks.isEmpty(), "the dropped buffer was reported");
        assertTrue(leaks.get(0).contains("ByteBuf"), leaks.get(0));
        assertTrue(LeakDetection.collectLeaks().isEmpty(), "reports are consumed, so the after-each check passes");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        leaked.writeInt(42);
    }
}
