package dev.iocp.port;

import java.io.IOException;

/** A backend cannot run on this machine; the message says why and what to change. */
public class BackendUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message that says why the backend cannot run and what to change.
     *
     * @param message the reason, e.g. {@code io_uring is disabled by the sysctl kernel.io_uring_disabled=2}
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * An exception with a message and the failure that revealed the reason.
     *
     * @param message the reason and what to change
     * @param cause   what failed while the backend was probed, e.g. the {@code io_uring_setup} call
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
