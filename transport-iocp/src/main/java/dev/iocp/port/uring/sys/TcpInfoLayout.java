package dev.iocp.port.uring.sys;

import dev.iocp.port.TcpInfo;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code struct tcp_info} as {@code getsockopt(IPPROTO_TCP, TCP_INFO)} fills it, from the
 * kernel's {@code include/uapi/linux/tcp.h}: its first 104 bytes, up to {@code
 * tcpi_total_retrans}, which every kernel this transport runs on fills. Later kernels append
 * fields (pacing rate, bytes acknowledged, ...); asking for 104 bytes gets these and no more.
 * {@code TcpInfoLayoutTest} pins the offsets to the header's.
 */
public final class TcpInfoLayout {

    private static final ValueLayout.OfByte U8 = JAVA_BYTE;
    private static final ValueLayout.OfInt U32 = JAVA_INT;

    /** The struct up to {@code tcpi_total_retrans} (104 bytes). */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            U8.withName("tcpi_state"), U8.withName("tcpi_ca_state"), U8.withName("tcpi_retransmits"),
            U8.withName("tcpi_probes"), U8.withName("tcpi_backoff"), U8.withName("tcpi_options"),
            // tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4
            U8.withName("tcpi_wscale"),
            // tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2
            U8.withName("tcpi_flags"),
            U32.withName("tcpi_rto"), U32.withName("tcpi_ato"), U32.withName("tcpi_snd_mss"), U32.withName("tcpi_rcv_mss"),
            U32.withName("tcpi_unacked"), U32.withName("tcpi_sacked"), U32.withName("tcpi_lost"),
            U32.withName("tcpi_retrans"), U32.withName("tcpi_fackets"),
            U32.withName("tcpi_last_data_sent"), U32.withName("tcpi_last_ack_sent"),
            U32.withName("tcpi_last_data_recv"), U32.withName("tcpi_last_ack_recv"),
            U32.withName("tcpi_pmtu"), U32.withName("tcpi_rcv_ssthresh"), U32.withName("tcpi_rtt"),
            U32.withName("tcpi_rttvar"), U32.withName("tcpi_snd_ssthresh"), U32.withName("tcpi_snd_cwnd"),
            U32.withName("tcpi_advmss"), U32.withName("tcpi_reordering"),
            U32.withName("tcpi_rcv_rtt"), U32.withName("tcpi_rcv_space"),
            U32.withName("tcpi_total_retrans"));

    public static final long SIZE = LAYOUT.byteSize();

    private TcpInfoLayout() {
    }

    /** The byte offset of a field, by its name in the header. */
    public static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }

    /**
     * Reads the struct at the start of {@code info}. The two window scales share a byte as
     * 4-bit bitfields, the first declared in the low bits (the x86-64 and AArch64 ABIs; Linux
     * on both is little-endian).
     */
    public static TcpInfo decode(MemorySegment info) {
        int wscale = u8(info, "tcpi_wscale");
        return new TcpInfo(
                u8(info, "tcpi_state"), u8(info, "tcpi_ca_state"), u8(info, "tcpi_retransmits"),
                u8(info, "tcpi_probes"), u8(info, "tcpi_backoff"), u8(info, "tcpi_options"),
                wscale & 0x0F, wscale >>> 4,
                u32(info, "tcpi_rto"), u32(info, "tcpi_ato"), u32(info, "tcpi_snd_mss"), u32(info, "tcpi_rcv_mss"),
                u32(info, "tcpi_unacked"), u32(info, "tcpi_sacked"), u32(info, "tcpi_lost"),
                u32(info, "tcpi_retrans"), u32(info, "tcpi_fackets"),
                u32(info, "tcpi_last_data_sent"), u32(info, "tcpi_last_ack_sent"),
                u32(info, "tcpi_last_data_recv"), u32(info, "tcpi_last_ack_recv"),
                u32(info, "tcpi_pmtu"), u32(info, "tcpi_rcv_ssthresh"), u32(info, "tcpi_rtt"),
                u32(info, "tcpi_rttvar"), u32(info, "tcpi_snd_ssthresh"), u32(info, "tcpi_snd_cwnd"),
                u32(info, "tcpi_advmss"), u32(info, "tcpi_reordering"),
                u32(info, "tcpi_rcv_rtt"), u32(info, "tcpi_rcv_space"),
                u32(info, "tcpi_total_retrans"));
    }

    private static int u8(MemorySegment info, String field) {
        return Byte.toUnsignedInt(info.get(U8, offset(field)));
    }

    private static long u32(MemorySegment info, String field) {
        return Integer.toUnsignedLong(info.get(U32, offset(field)));
    }
}
