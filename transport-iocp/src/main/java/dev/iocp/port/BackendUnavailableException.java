package dev.iocp.port;

import java.io.IOException;

/** A backend cannot run on this machine; the message says why and what to change. */
public class BackendUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
