package dev.iocp.channel;

import dev.iocp.port.internal.SubmissionChecks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link OutboundSegments} makes of the flushed messages of an outbound buffer. */
class OutboundSegmentsTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
    private final OutboundSegments segments = new OutboundSegments();

    @AfterEach
    void releaseEverything() {
        segments.clear();
        in.addFlush();
        while (in.remove()) {
            // releases what the channel never wrote
        }
        channel.finishAndReleaseAll();
    }

    private ByteBuf flushed(int size, int skip) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer(size + skip).writeZero(size + skip).skipBytes(skip);
        in.addMessage(buf, buf.readableBytes(), channel.voidPromise());
        in.addFlush();
        return buf;
    }

    @Test
    void eachBufferIsOneSegmentAtItsReaderIndexAddress() {
        ByteBuf first = flushed(100, 7);
        ByteBuf second = flushed(3000, 0);
        in.addMessage(ByteBufAllocator.DEFAULT.directBuffer(5).writeZero(5), 5, channel.voidPromise()); // not flushed
        assertEquals(2, segments.collect(in, Long.MAX_VALUE));
        assertEquals(3100, segments.bytes());
        assertTrue(first.hasMemoryAddress(), "Netty's default direct buffers have addresses on this JDK");
        assertEquals(first.memoryAddress() + 7, segments.address(0));
        assertEquals(100, segments.length(0));
        assertEquals(second.memoryAddress(), segments.address(1));
        assertEquals(3000, segments.length(1));
        ByteBuffer view = segments.buffer(0);
        assertEquals(100, view.remaining());
        assertEquals(segments.address(0), MemorySegment.ofBuffer(view).address(), "the view covers the same bytes");
        assertEquals(7, first.readerIndex(), "collecting moves no index");
    }

    @Test
    void aSendStopsBeforeTheByteLimitButAlwaysTakesTheFirstBufferWhole() {
        flushed(5000, 0);
        flushed(10, 0);
        assertEquals(1, segments.collect(in, 4000), "the first buffer, though larger than the limit");
        assertEquals(5000, segments.bytes());
        assertEquals(2, segments.collect(in, 5010));
        assertEquals(1, segments.collect(in, 5009));
    }

    @Test
    void emptyBuffersAreSkippedAndAFileRegionEndsTheSend() throws Exception {
        flushed(0, 0);
        flushed(10, 0);
        Path file = Files.createTempFile("segments", ".bin");
        try {
            Files.write(file, new byte[16]);
            in.addMessage(new DefaultFileRegion(FileChannel.open(file, StandardOpenOption.READ), 0, 16), 16,
                    channel.voidPromise());
            in.addFlush();
            flushed(20, 0);
            assertEquals(1, segments.collect(in, Long.MAX_VALUE));
            assertEquals(10, segments.length(0));
        } finally {
            segments.clear();
            while (in.remove()) {
                // releases the buffers and the region (closing its file)
            }
            Files.delete(file);
        }
    }

    @Test
    void aCompositeBufferGivesOneSegmentPerComponent() {
        CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeDirectBuffer();
        composite.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer(30).writeZero(30));
        composite.addComponent(true, ByteBufAllocator.DEFAULT.directBuffer(40).writeZero(40));
        composite.skipBytes(5);
        in.addMessage(composite, composite.readableBytes(), channel.voidPromise());
        in.addFlush();
        assertEquals(2, segments.collect(in, Long.MAX_VALUE));
        assertEquals(25, segments.length(0));
        assertEquals(40, segments.length(1));
        assertEquals(65, segments.bytes());
        assertEquals(composite.component(0).memoryAddress() + 5, segments.address(0), "an address from the component's view");
    }

    @Test
    void aSendTakesAtMostTheGatheringLimitOfSegments() {
        for (int i = 0; i < SubmissionChecks.MAX_GATHERED_BUFFERS + 10; i++) {
            flushed(1, 0);
        }
        assertEquals(SubmissionChecks.MAX_GATHERED_BUFFERS, segments.collect(in, Long.MAX_VALUE));
    }

    @Test
    void theLimitGrowsWhileWholeSendsUseItAndHalvesWhenTheKernelTakesLessThanHalf() {
        GatheringLimit limit = new GatheringLimit();
        assertEquals(GatheringLimit.INITIAL, limit.bytes());
        limit.sent(GatheringLimit.INITIAL, GatheringLimit.INITIAL);
        assertEquals(2 * GatheringLimit.INITIAL, limit.bytes(), "a full send that used the limit doubles it");
        limit.sent(1000, 1000);
        assertEquals(2 * GatheringLimit.INITIAL, limit.bytes(), "a small full send says nothing");
        limit.sent(400_000, 100_000);
        assertEquals(200_000, limit.bytes(), "the kernel took under half");
        for (int i = 0; i < 40; i++) {
            limit.sent(limit.bytes(), 0);
        }
        assertEquals(GatheringLimit.MIN, limit.bytes());
        for (int i = 0; i < 40; i++) {
            limit.sent(limit.bytes(), limit.bytes());
        }
        assertEquals(GatheringLimit.MAX, limit.bytes());
    }
}
