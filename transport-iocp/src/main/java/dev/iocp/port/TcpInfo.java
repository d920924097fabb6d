package dev.iocp.port;

/**
 * A TCP connection as the kernel sees it, read with {@link PortSocketOptions#TCP_INFO}: the
 * fields of Linux's {@code struct tcp_info} that every kernel has (up to {@code
 * tcpi_total_retrans}), under the names of Netty's {@code EpollTcpInfo}, so code reading one
 * reads the other. Unsigned 32-bit fields are {@code long}s, never negative.
 *
 * <p>Units are the kernel's: {@code rto}, {@code ato}, {@code rtt}, {@code rttvar} and {@code
 * rcvRtt} in microseconds; the {@code last*} times in milliseconds ago; {@code sndMss}, {@code
 * rcvMss}, {@code pmtu}, {@code advmss}, {@code rcvSpace} and {@code rcvSsthresh} in bytes; the
 * congestion window and slow-start threshold in segments.
 *
 * @param state        the TCP state ({@code TCP_ESTABLISHED} is 1, as in {@code include/net/tcp_states.h})
 * @param caState      the congestion-avoidance state ({@code TCP_CA_Open} is 0)
 * @param retransmits  retransmissions of the segment now unacknowledged
 * @param probes       unanswered zero-window or keep-alive probes
 * @param backoff      the retransmission timer's exponential backoff
 * @param options      the {@code TCPI_OPT_*} flags negotiated (timestamps, SACK, window scaling, ...)
 * @param sndWscale    the peer's window scale
 * @param rcvWscale    this side's window scale
 * @param rto          the retransmission timeout
 * @param ato          the delayed-acknowledgement timeout
 * @param sndMss       the maximum segment size sent
 * @param rcvMss       the maximum segment size seen from the peer
 * @param unacked      segments sent and not yet acknowledged
 * @param sacked       segments selectively acknowledged
 * @param lost         segments thought lost
 * @param retrans      segments being retransmitted
 * @param fackets      forward-acknowledged segments (0 on kernels since 4.15)
 * @param lastDataSent time since data was last sent
 * @param lastAckSent  time since an acknowledgement was last sent (the kernel does not keep it: 0)
 * @param lastDataRecv time since data was last received
 * @param lastAckRecv  time since an acknowledgement was last received
 * @param pmtu         the path MTU
 * @param rcvSsthresh  the receive-window clamp of slow start
 * @param rtt          the smoothed round-trip time
 * @param rttvar       the round-trip time's variation
 * @param sndSsthresh  the slow-start threshold
 * @param sndCwnd      the congestion window
 * @param advmss       the segment size advertised
 * @param reordering   how far segments may be reordered before they count as lost
 * @param rcvRtt       the round-trip time as the receiver estimates it
 * @param rcvSpace     the receive-buffer space the receiver is tuning toward
 * @param totalRetrans retransmissions over the connection's life
 */
public record TcpInfo(
        int state, int caState, int retransmits, int probes, int backoff, int options, int sndWscale, int rcvWscale,
        long rto, long ato, long sndMss, long rcvMss,
        long unacked, long sacked, long lost, long retrans, long fackets,
        long lastDataSent, long lastAckSent, long lastDataRecv, long lastAckRecv,
        long pmtu, long rcvSsthresh, long rtt, long rttvar, long sndSsthresh, long sndCwnd, long advmss, long reordering,
        long rcvRtt, long rcvSpace, long totalRetrans) {
}
