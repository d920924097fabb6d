package dev.iocp.benchmarks.compare;

import java.util.List;

/** What a transport-iocp figure is divided by, within the same round. */
enum Reference {
    /** The best of Netty's transports in that round: highest throughput, lowest cost. */
    BEST_NETTY(List.of(ComparedTransport.NIO, ComparedTransport.EPOLL, ComparedTransport.IO_URING)),
    /** Netty's epoll transport, where the target names it. */
    EPOLL(List.of(ComparedTransport.EPOLL)),
    /** Netty's NIO transport: the reference of transport-iocp's own nio backend. */
    NIO(List.of(ComparedTransport.NIO));

    private final List<ComparedTransport> candidates;

    Reference(List<ComparedTransport> candidates) {
        this.candidates = candidates;
    }

    /** The transports the reference is chosen from. */
    List<ComparedTransport> candidates() {
        return candidates;
    }
}
