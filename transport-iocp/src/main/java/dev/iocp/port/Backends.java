package dev.iocp.port;

import dev.iocp.port.uring.IoUringBackend;

import java.util.Locale;

/**
 * The one place that decides which {@link Backend} runs, from the system property
 * {@value #PROPERTY}: {@code auto} (the default), {@code io_uring} or {@code nio}.
 */
public final class Backends {

    /** The system property that selects the backend. */
    public static final String PROPERTY = "dev.iocp.backend";

    private Backends() {
    }

    /**
     * The backend the property selects. {@code auto} means io_uring (the portable nio backend
     * does not exist yet); a named backend is returned even when it is unavailable, so that
     * opening a port reports its {@link Backend#unavailabilityCause() cause}.
     *
     * @throws IllegalArgumentException for an unknown name, or {@code nio} (not built yet)
     */
    public static Backend selected() {
        return byName(System.getProperty(PROPERTY, "auto"));
    }

    /** The backend of the given name; see {@link #selected()}. */
    public static Backend byName(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "io_uring", "iouring", "io-uring" -> IoUringBackend.INSTANCE;
            case "nio" -> throw new IllegalArgumentException(PROPERTY
                    + "=nio: the portable java.nio backend is not available in this version yet; use "
                    + PROPERTY + "=io_uring (Linux 5.19 or newer) or leave it unset");
            default -> throw new IllegalArgumentException("unknown " + PROPERTY + "=" + name
                    + ": expected auto, io_uring or nio");
        };
    }
}
