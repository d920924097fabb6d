package dev.iocp.channel;

import dev.iocp.port.Backend;
import dev.iocp.port.Backends;
import dev.iocp.port.BackendUnavailableException;
import dev.iocp.port.PortMetrics;
import io.netty.util.concurrent.EventExecutor;

import java.util.Objects;

/**
 * Whether the transport can run here, and on which backend: the counterpart of Netty's
 * {@code Epoll} and {@code IoUring} classes.
 */
public final class Iocp {

    private Iocp() {
    }

    /**
     * The backend {@code -Ddev.iocp.backend} selects (default {@code auto}).
     *
     * @return the selected backend, available or not
     * @throws IllegalArgumentException if the property names no backend
     */
    public static Backend backend() {
        return Backends.selected();
    }

    /**
     * The name of the backend in use, e.g. {@code io_uring}.
     *
     * @return {@code io_uring} or {@code nio}
     * @throws IllegalArgumentException if the property names no backend
     */
    public static String backendName() {
        return backend().name();
    }

    /**
     * Whether channels of this transport can be used.
     *
     * @return true if the selected backend can open ports here
     */
    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /**
     * Throws the reason the transport cannot run, if it cannot.
     *
     * @throws UnsatisfiedLinkError if the transport cannot run, caused by the reason (as Netty's
     *                              native transports report theirs)
     */
    public static void ensureAvailability() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw (Error) new UnsatisfiedLinkError("transport-iocp is unavailable: " + cause.getMessage()).initCause(cause);
        }
    }

    /**
     * Why the transport cannot run here, with what to change; {@code null} when it can.
     *
     * @return the reason, or {@code null} when the transport can run; a
     *         {@link dev.iocp.port.BackendUnavailableException} when the property names no backend
     */
    public static Throwable unavailabilityCause() {
        try {
            return backend().unavailabilityCause();
        } catch (IllegalArgumentException e) {
            return new BackendUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * The counters of the completion port behind an event loop of an {@link IocpEventLoopGroup}
     * (or of any {@code MultiThreadIoEventLoopGroup} made with {@link IocpIoHandler#newFactory()}):
     * completions, dequeues and their batch sizes, system calls, submissions, wake-ups; see
     * {@link dev.iocp.port.PortCounter}. For a channel, {@code Iocp.metrics(channel.eventLoop())};
     * for a whole group, call it for each loop ({@code for (EventExecutor loop : group)}).
     *
     * <p>The view is live and read-only: read it from any thread, as often as needed (reading
     * allocates nothing; {@link PortMetrics#snapshot()} copies). The loop keeps counting with
     * plain increments, whether or not anyone reads. After the loop has shut down the counters
     * keep their last values.
     *
     * @param loop an event loop, e.g. {@code channel.eventLoop()}
     * @return the live counters of the loop's port, the same object on every call
     * @throws IllegalArgumentException if {@code loop} is not driven by an {@link IocpIoHandler}
     * @throws NullPointerException     if {@code loop} is null
     */
    public static PortMetrics metrics(EventExecutor loop) {
        Objects.requireNonNull(loop, "loop");
        PortMetrics metrics = EventLoopPorts.of(loop);
        if (metrics == null) {
            throw new IllegalArgumentException(loop + " is not an event loop of this transport (its IoHandler "
                    + "is not an IocpIoHandler)");
        }
        return metrics;
    }
}
