package dev.iocp.port.uring.sys;

import dev.iocp.port.TcpInfo;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pins {@code struct tcp_info} to the offsets of {@code include/uapi/linux/tcp.h}, and its decoding. */
class TcpInfoLayoutTest {

    @Test
    void theLayoutHasTheHeadersOffsets() {
        assertEquals(104, TcpInfoLayout.SIZE);
        String[] bytes = {"tcpi_state", "tcpi_ca_state", "tcpi_retransmits", "tcpi_probes", "tcpi_backoff",
                "tcpi_options", "tcpi_wscale", "tcpi_flags"};
        for (int i = 0; i < bytes.length; i++) {
            assertEquals(i, TcpInfoLayout.offset(bytes[i]), bytes[i]);
        }
        String[] words = {"tcpi_rto", "tcpi_ato", "tcpi_snd_mss", "tcpi_rcv_mss", "tcpi_unacked", "tcpi_sacked",
                "tcpi_lost", "tcpi_retrans", "tcpi_fackets", "tcpi_last_data_sent", "tcpi_last_ack_sent",
                "tcpi_last_data_recv", "tcpi_last_ack_recv", "tcpi_pmtu", "tcpi_rcv_ssthresh", "tcpi_rtt",
                "tcpi_rttvar", "tcpi_snd_ssthresh", "tcpi_snd_cwnd", "tcpi_advmss", "tcpi_reordering",
                "tcpi_rcv_rtt", "tcpi_rcv_space", "tcpi_total_retrans"};
        for (int i = 0; i < words.length; i++) {
            assertEquals(8 + 4L * i, TcpInfoLayout.offset(words[i]), words[i]);
        }
        // The spot checks a reader of the header can make at a glance.
        assertEquals(68, TcpInfoLayout.offset("tcpi_rtt"));
        assertEquals(80, TcpInfoLayout.offset("tcpi_snd_cwnd"));
        assertEquals(100, TcpInfoLayout.offset("tcpi_total_retrans"));
    }

    @Test
    void decodingSplitsTheWindowScalesAndReadsWordsAsUnsigned() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(TcpInfoLayout.LAYOUT);
            info.set(JAVA_BYTE, TcpInfoLayout.offset("tcpi_state"), (byte) 1);
            info.set(JAVA_BYTE, TcpInfoLayout.offset("tcpi_retransmits"), (byte) 0xFF);
            // snd_wscale is the low nibble, rcv_wscale the high one
            info.set(JAVA_BYTE, TcpInfoLayout.offset("tcpi_wscale"), (byte) 0x7A);
            info.set(JAVA_INT, TcpInfoLayout.offset("tcpi_rtt"), 1234);
            info.set(JAVA_INT, TcpInfoLayout.offset("tcpi_snd_cwnd"), 10);
            info.set(JAVA_INT, TcpInfoLayout.offset("tcpi_total_retrans"), -1);

            TcpInfo decoded = TcpInfoLayout.decode(info);

            assertEquals(1, decoded.state());
            assertEquals(255, decoded.retransmits());
            assertEquals(10, decoded.sndWscale());
            assertEquals(7, decoded.rcvWscale());
            assertEquals(1234, decoded.rtt());
            assertEquals(10, decoded.sndCwnd());
            assertEquals(4_294_967_295L, decoded.totalRetrans());
            assertEquals(0, decoded.rttvar());
        }
    }
}
