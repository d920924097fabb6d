package dev.iocp.port.uring.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pins every kernel structure to the sizes and offsets of the Linux UAPI headers. */
class IoUringLayoutsTest {

    private static long at(MemoryLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    @Test
    void params() {
        StructLayout p = IoUringLayouts.PARAMS;
        assertEquals(120, p.byteSize());
        assertEquals(0, at(p, "sq_entries"));
        assertEquals(4, at(p, "cq_entries"));
        assertEquals(8, at(p, "flags"));
        assertEquals(20, at(p, "features"));
        assertEquals(24, at(p, "wq_fd"));
        assertEquals(40, at(p, "sq_off"));
        assertEquals(80, at(p, "cq_off"));
    }

    @Test
    void ringOffsets() {
        assertEquals(40, IoUringLayouts.SQRING_OFFSETS.byteSize());
        assertEquals(40, IoUringLayouts.CQRING_OFFSETS.byteSize());
        assertEquals(0, IoUringLayouts.RING_HEAD);
        assertEquals(4, IoUringLayouts.RING_TAIL);
        assertEquals(8, IoUringLayouts.RING_MASK);
        assertEquals(12, IoUringLayouts.RING_ENTRIES);
        assertEquals(16, IoUringLayouts.SQ_FLAGS);
        assertEquals(24, IoUringLayouts.SQ_ARRAY);
        assertEquals(16, IoUringLayouts.CQ_OVERFLOW);
        assertEquals(20, IoUringLayouts.CQ_CQES);
        assertEquals(32, at(IoUringLayouts.SQRING_OFFSETS, "user_addr"));
        assertEquals(24, at(IoUringLayouts.CQRING_OFFSETS, "flags"));
    }

    @Test
    void submissionEntry() {
        assertEquals(64, IoUringLayouts.SQE_SIZE);
        assertEquals(0, IoUringLayouts.SQE_OPCODE);
        assertEquals(1, IoUringLayouts.SQE_FLAGS);
        assertEquals(2, IoUringLayouts.SQE_IOPRIO);
        assertEquals(4, IoUringLayouts.SQE_FD);
        assertEquals(8, IoUringLayouts.SQE_OFF);
        assertEquals(16, IoUringLayouts.SQE_ADDR);
        assertEquals(24, IoUringLayouts.SQE_LEN);
        assertEquals(28, IoUringLayouts.SQE_OP_FLAGS);
        assertEquals(32, IoUringLayouts.SQE_USER_DATA);
        assertEquals(16, IoUringLayouts.SQE_SPLICE_OFF_IN); // union with addr
        assertEquals(44, IoUringLayouts.SQE_SPLICE_FD_IN);  // union with file_index
        assertEquals(40, at(IoUringLayouts.SQE, "buf_index"));
        assertEquals(44, at(IoUringLayouts.SQE, "file_index"));
        assertEquals(48, at(IoUringLayouts.SQE, "addr3"));
    }

    @Test
    void completionEntry() {
        assertEquals(16, IoUringLayouts.CQE_SIZE);
        assertEquals(0, IoUringLayouts.CQE_USER_DATA);
        assertEquals(8, IoUringLayouts.CQE_RES);
        assertEquals(12, IoUringLayouts.CQE_FLAGS);
    }

    @Test
    void smallStructs() {
        assertEquals(24, IoUringLayouts.GETEVENTS_ARG.byteSize());
        assertEquals(8, IoUringLayouts.GETEVENTS_SIGMASK_SZ);
        assertEquals(16, IoUringLayouts.GETEVENTS_TS);
        assertEquals(16, IoUringLayouts.TIMESPEC.byteSize());
        assertEquals(16, IoUringLayouts.PROBE.byteSize());
        assertEquals(8, IoUringLayouts.PROBE_OP.byteSize());
        assertEquals(16, IoUringLayouts.RSRC_UPDATE.byteSize());
        assertEquals(0, IoUringLayouts.RSRC_UPDATE_OFFSET);
        assertEquals(8, IoUringLayouts.RSRC_UPDATE_DATA);
        assertEquals(16, Sockaddr.SOCKADDR_IN.byteSize());
        assertEquals(28, Sockaddr.SOCKADDR_IN6.byteSize());
        assertEquals(8, at(Sockaddr.SOCKADDR_IN6, "sin6_addr"));
        assertEquals(24, at(Sockaddr.SOCKADDR_IN6, "sin6_scope_id"));
        assertEquals(110, SockaddrUn.SOCKADDR_UN.byteSize()); // sizeof(struct sockaddr_un)
        assertEquals(2, at(SockaddrUn.SOCKADDR_UN, "sun_path"));
    }
}
