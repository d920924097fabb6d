package dev.iocp.port;

import dev.iocp.port.nio.NioBackend;
import dev.iocp.port.uring.IoUringBackend;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that decides which {@link Backend} runs, from the system property
 * {@value #PROPERTY}: {@code auto} (the default), {@code io_uring} or {@code nio}.
 *
 * <p>{@code auto} takes io_uring where it works and otherwise the portable nio backend, and logs
 * once, at INFO, which one it chose and why: io_uring is blocked in many places (Docker's default
 * seccomp profile, {@code kernel.io_uring_disabled}, older kernels, other operating systems), and
 * an application that swaps in this transport must still run there.
 */
public final class Backends {

    /** The system property that selects the backend. */
    public static final String PROPERTY = "dev.iocp.backend";

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());

    /** Computed once: the probe is not free, and the choice is logged once. */
    private static volatile Backend automatic;

    private Backends() {
    }

    /**
     * The backend the property selects. A backend named explicitly is returned even when it is
     * unavailable, so that opening a port reports its {@link Backend#unavailabilityCause() cause}
     * rather than silently running something else.
     *
     * @return the backend named by the system property {@code dev.iocp.backend}, or, for
     *         {@code auto} or no property, the automatically chosen one
     * @throws IllegalArgumentException for an unknown name
     */
    public static Backend selected() {
        return byName(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * The backend of the given name; see {@link #selected()}.
     *
     * @param name {@code auto}, {@code io_uring} (also {@code iouring} or {@code io-uring}) or
     *             {@code nio}, in any case and with surrounding blanks ignored
     * @return the backend of that name; for {@code auto}, io_uring where it is available, else nio
     * @throws IllegalArgumentException for an unknown name
     */
    public static Backend byName(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> automatic();
            case "io_uring", "iouring", "io-uring" -> IoUringBackend.INSTANCE;
            case "nio" -> NioBackend.INSTANCE;
            default -> throw new IllegalArgumentException("unknown " + PROPERTY + "=" + name
                    + ": expected auto, io_uring or nio");
        };
    }

    private static Backend automatic() {
        Backend chosen = automatic;
        if (chosen == null) {
            synchronized (Backends.class) {
                chosen = automatic;
                if (chosen == null) {
                    chosen = choose(IoUringBackend.INSTANCE, NioBackend.INSTANCE);
                    LOG.log(Level.INFO, describeChoice(chosen, IoUringBackend.INSTANCE));
                    automatic = chosen;
                }
            }
        }
        return chosen;
    }

    /** {@code preferred} where it is available, else {@code fallback}. */
    static Backend choose(Backend preferred, Backend fallback) {
        return preferred.isAvailable() ? preferred : fallback;
    }

    /** The log line for a choice: which backend, and why not the preferred one. */
    static String describeChoice(Backend chosen, Backend preferred) {
        if (chosen == preferred) {
            return "transport-iocp uses the " + chosen.name() + " backend: " + chosen.description();
        }
        return "transport-iocp uses the " + chosen.name() + " backend, because " + preferred.name()
                + " is unavailable: " + preferred.unavailabilityCause().getMessage()
                + " (set -D" + PROPERTY + "=" + chosen.name() + " to choose it explicitly)";
    }
}
