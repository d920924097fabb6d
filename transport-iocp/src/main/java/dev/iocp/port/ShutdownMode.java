package dev.iocp.port;

/** Which direction of a connection {@link CompletionPort#submitShutdown} closes. */
public enum ShutdownMode {
    /** No more receives; the peer is not told. */
    INPUT,
    /** Sends a FIN after the queued data: the peer reads end of stream. */
    OUTPUT,
    /** Both directions. */
    BOTH
}
