package dev.iocp.port;

import java.io.IOException;
import java.net.ProtocolFamily;

/**
 * A way to run completion ports on this machine: io_uring on Linux, or the portable emulation
 * over java.nio readiness. {@link Backends} chooses one.
 */
public interface Backend {

    /**
     * The name users select it by with {@code -Ddev.iocp.backend=}, e.g. {@code io_uring}.
     *
     * @return the backend's name: {@code io_uring} or {@code nio}
     */
    String name();

    /**
     * Whether ports can be opened here. Probed once, then remembered.
     *
     * @return true if {@link #openPort} can succeed on this machine; false when
     *         {@link #unavailabilityCause()} says why not
     */
    boolean isAvailable();

    /**
     * Why this backend cannot run here, with what a user can do about it; {@code null} when it
     * is available.
     *
     * @return the reason, or {@code null} where the backend is available
     */
    Throwable unavailabilityCause();

    /**
     * One line describing what the backend found, e.g. kernel features; for logs and benchmarks.
     *
     * @return a human-readable summary; its wording is not a format to parse
     */
    String description();

    /**
     * Opens a stream socket, not yet on any port; any thread: TCP for {@code INET} and
     * {@code INET6} (dual-stack), Unix-domain for {@code UNIX}.
     *
     * @param family {@code INET}, {@code INET6} or {@code UNIX}
     * @return the socket, open, unbound and not registered
     * @throws UnsupportedOperationException for another family
     * @throws IOException if the backend is unavailable or the system refuses
     */
    PortSocket openSocket(ProtocolFamily family) throws IOException;

    /**
     * Opens a UDP socket, not yet on any port; any thread. {@code INET6} sockets are dual-stack.
     *
     * @param family {@code INET} or {@code INET6}
     * @return the socket, open, unbound and not registered
     * @throws IOException if the backend is unavailable or the system refuses
     */
    DatagramPortSocket openDatagramSocket(ProtocolFamily family) throws IOException;

    /**
     * Opens a port. The thread that first dequeues from it becomes its owner.
     *
     * @param config the sizes of the port's queues; {@link PortConfig#DEFAULT} suits most uses
     * @return the port, open and without an owner yet
     * @throws IOException if the backend is unavailable or the kernel refuses
     */
    CompletionPort openPort(PortConfig config) throws IOException;

    /**
     * Whether this backend's ports pass descriptors over Unix-domain sockets
     * ({@link CompletionPort#passesDescriptors()}): asked before a port or socket exists.
     *
     * @return true where this backend's ports can send and receive descriptors
     */
    default boolean passesDescriptors() {
        return false;
    }

    /**
     * Closes a descriptor a port of this backend {@linkplain CompletionPort#adoptReceivedDescriptors
     * handed over}; any thread, also after the port has closed.
     *
     * @param descriptor a descriptor number adopted from a port of this backend and not closed yet
     * @throws UnsupportedOperationException where this backend passes no descriptors
     * @throws IOException                   if {@code close(2)} fails (EBADF: it was not open)
     */
    default void closeDescriptor(int descriptor) throws IOException {
        throw new UnsupportedOperationException(name() + " passes no descriptors, so it has none to close");
    }
}
