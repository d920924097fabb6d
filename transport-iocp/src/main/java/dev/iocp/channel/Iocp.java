package dev.iocp.channel;

import dev.iocp.port.Backend;
import dev.iocp.port.Backends;
import dev.iocp.port.BackendUnavailableException;

/**
 * Whether the transport can run here, and on which backend: the counterpart of Netty's
 * {@code Epoll} and {@code IoUring} classes.
 */
public final class Iocp {

    private Iocp() {
    }

    /** The backend {@code -Ddev.iocp.backend} selects (default {@code auto}). */
    public static Backend backend() {
        return Backends.selected();
    }

    /** The name of the backend in use, e.g. {@code io_uring}. */
    public static String backendName() {
        return backend().name();
    }

    /** Whether channels of this transport can be used. */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Throws the reason the transport cannot run, if it cannot. */
    public static void ensureAvailability() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw (Error) new UnsatisfiedLinkError("transport-iocp is unavailable: " + cause.getMessage()).initCause(cause);
        }
    }

    /** Why the transport cannot run here, with what to change; {@code null} when it can. */
    public static Throwable unavailabilityCause() {
        try {
            return backend().unavailabilityCause();
        } catch (IllegalArgumentException e) {
            return new BackendUnavailableException(e.getMessage(), e);
        }
    }
}
