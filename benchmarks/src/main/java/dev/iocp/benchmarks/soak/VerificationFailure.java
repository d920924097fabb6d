package dev.iocp.benchmarks.soak;

/**
 * A client saw the server lose or corrupt something: a wrong byte, a short echo, a wrong or
 * missing HTTP response. Thrown by the sessions, counted by {@link DriverTally}; the soak fails
 * on any.
 */
final class VerificationFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final String kind;

    /**
     * @param kind a one-word class for the tally: {@code mismatch}, {@code short}, {@code http}, ...
     */
    VerificationFailure(String kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    String kind() {
        return kind;
    }
}
