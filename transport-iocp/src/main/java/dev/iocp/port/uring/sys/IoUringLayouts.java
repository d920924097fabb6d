package dev.iocp.port.uring.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The kernel structures of io_uring, declared once as {@link StructLayout}s (from
 * {@code include/uapi/linux/io_uring.h}), with the byte offsets the ring code uses derived from
 * them. {@code IoUringLayoutsTest} pins every size and offset to the kernel's numbers, as
 * libuv's static asserts do for its hand-declared structs.
 */
public final class IoUringLayouts {

    /** {@code struct io_sqring_offsets} (40 bytes). */
    public static final StructLayout SQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

    /** {@code struct io_cqring_offsets} (40 bytes). */
    public static final StructLayout CQRING_OFFSETS = MemoryLayout.structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("user_addr"));

    /** {@code struct io_uring_params} (120 bytes). */
    public static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv"),
            SQRING_OFFSETS.withName("sq_off"), CQRING_OFFSETS.withName("cq_off"));

    /** {@code struct io_uring_sqe} (64 bytes), the unions named by the member this backend uses. */
    public static final StructLayout SQE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("opcode"), JAVA_BYTE.withName("flags"), JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"), JAVA_LONG.withName("off"), JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"), JAVA_INT.withName("op_flags"), JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"), JAVA_SHORT.withName("personality"), JAVA_INT.withName("file_index"),
            JAVA_LONG.withName("addr3"), JAVA_LONG.withName("pad2"));

    /** {@code struct io_uring_cqe} (16 bytes, without CQE32). */
    public static final StructLayout CQE = MemoryLayout.structLayout(
            JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"));

    /** {@code struct __kernel_timespec} (16 bytes). */
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    /** {@code struct io_uring_getevents_arg} (24 bytes), for {@code IORING_ENTER_EXT_ARG}. */
    public static final StructLayout GETEVENTS_ARG = MemoryLayout.structLayout(
            JAVA_LONG.withName("sigmask"), JAVA_INT.withName("sigmask_sz"), JAVA_INT.withName("min_wait_usec"),
            JAVA_LONG.withName("ts"));

    /** {@code struct io_uring_probe} header (16 bytes); {@link #PROBE_OP} entries follow. */
    public static final StructLayout PROBE = MemoryLayout.structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            MemoryLayout.sequenceLayout(3, JAVA_INT).withName("resv2"));

    /** {@code struct io_uring_probe_op} (8 bytes). */
    public static final StructLayout PROBE_OP = MemoryLayout.structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2"));

    /**
     * {@code struct io_uring_buf_reg} (40 bytes), for {@code IORING_REGISTER_PBUF_RING}. Kernels
     * after 6.18 give part of {@code resv} a meaning ({@code min_left}); zeroed, it keeps the old one.
     */
    public static final StructLayout BUF_REG = MemoryLayout.structLayout(
            JAVA_LONG.withName("ring_addr"), JAVA_INT.withName("ring_entries"), JAVA_SHORT.withName("bgid"),
            JAVA_SHORT.withName("flags"), MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("resv"));

    /**
     * {@code struct io_uring_buf} (16 bytes): one entry of a provided buffer ring. The ring's tail
     * is a {@code u16} overlaying {@code resv} of entry 0 ({@code struct io_uring_buf_ring}).
     */
    public static final StructLayout BUF = MemoryLayout.structLayout(
            JAVA_LONG.withName("addr"), JAVA_INT.withName("len"), JAVA_SHORT.withName("bid"),
            JAVA_SHORT.withName("resv"));

    /** {@code struct io_uring_rsrc_update} (16 bytes), for {@code IORING_REGISTER_RING_FDS}. */
    public static final StructLayout RSRC_UPDATE = MemoryLayout.structLayout(
            JAVA_INT.withName("offset"), JAVA_INT.withName("resv"), JAVA_LONG.withName("data"));

    // io_uring_buf_reg and io_uring_buf
    public static final long BUF_REG_RING_ADDR = offset(BUF_REG, "ring_addr");
    public static final long BUF_REG_RING_ENTRIES = offset(BUF_REG, "ring_entries");
    public static final long BUF_REG_BGID = offset(BUF_REG, "bgid");
    public static final long BUF_REG_FLAGS = offset(BUF_REG, "flags");
    public static final long BUF_ADDR = offset(BUF, "addr");
    public static final long BUF_LEN = offset(BUF, "len");
    public static final long BUF_BID = offset(BUF, "bid");
    /** The ring's tail: {@code resv} of entry 0. */
    public static final long BUF_RING_TAIL = offset(BUF, "resv");
    public static final long BUF_SIZE = BUF.byteSize();

    // io_uring_rsrc_update
    public static final long RSRC_UPDATE_OFFSET = offset(RSRC_UPDATE, "offset");
    public static final long RSRC_UPDATE_DATA = offset(RSRC_UPDATE, "data");

    // io_uring_params
    public static final long PARAMS_SQ_ENTRIES = offset(PARAMS, "sq_entries");
    public static final long PARAMS_CQ_ENTRIES = offset(PARAMS, "cq_entries");
    public static final long PARAMS_FLAGS = offset(PARAMS, "flags");
    public static final long PARAMS_FEATURES = offset(PARAMS, "features");
    public static final long PARAMS_SQ_OFF = offset(PARAMS, "sq_off");
    public static final long PARAMS_CQ_OFF = offset(PARAMS, "cq_off");

    // io_sqring_offsets / io_cqring_offsets (relative to sq_off / cq_off)
    public static final long RING_HEAD = offset(SQRING_OFFSETS, "head");
    public static final long RING_TAIL = offset(SQRING_OFFSETS, "tail");
    public static final long RING_MASK = offset(SQRING_OFFSETS, "ring_mask");
    public static final long RING_ENTRIES = offset(SQRING_OFFSETS, "ring_entries");
    public static final long SQ_FLAGS = offset(SQRING_OFFSETS, "flags");
    public static final long SQ_ARRAY = offset(SQRING_OFFSETS, "array");
    public static final long CQ_OVERFLOW = offset(CQRING_OFFSETS, "overflow");
    public static final long CQ_CQES = offset(CQRING_OFFSETS, "cqes");

    // io_uring_sqe
    public static final long SQE_OPCODE = offset(SQE, "opcode");
    public static final long SQE_FLAGS = offset(SQE, "flags");
    public static final long SQE_IOPRIO = offset(SQE, "ioprio");
    public static final long SQE_FD = offset(SQE, "fd");
    public static final long SQE_OFF = offset(SQE, "off");
    public static final long SQE_ADDR = offset(SQE, "addr");
    public static final long SQE_LEN = offset(SQE, "len");
    public static final long SQE_OP_FLAGS = offset(SQE, "op_flags");
    public static final long SQE_USER_DATA = offset(SQE, "user_data");
    /** The {@code buf_index}/{@code buf_group} union: the provided buffer group to select from. */
    public static final long SQE_BUF_GROUP = offset(SQE, "buf_index");
    /** A splice's {@code splice_off_in}, in the union with {@code addr}; {@code off} is its {@code off_out}. */
    public static final long SQE_SPLICE_OFF_IN = offset(SQE, "addr");
    /** A splice's {@code splice_fd_in}, in the union with {@code file_index}; {@code fd} is its output. */
    public static final long SQE_SPLICE_FD_IN = offset(SQE, "file_index");
    public static final long SQE_SIZE = SQE.byteSize();

    // io_uring_cqe
    public static final long CQE_USER_DATA = offset(CQE, "user_data");
    public static final long CQE_RES = offset(CQE, "res");
    public static final long CQE_FLAGS = offset(CQE, "flags");
    public static final long CQE_SIZE = CQE.byteSize();

    // io_uring_getevents_arg
    public static final long GETEVENTS_SIGMASK_SZ = offset(GETEVENTS_ARG, "sigmask_sz");
    public static final long GETEVENTS_TS = offset(GETEVENTS_ARG, "ts");

    private IoUringLayouts() {
    }

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }
}
