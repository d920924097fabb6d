package dev.iocp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Which backend a test run is meant to exercise, decided without asking the backends
 * themselves: from the run's {@code dev.iocp.backend} property and, for the default ({@code
 * auto}) run, from what the machine says about io_uring — Linux at or above the transport's
 * kernel floor, {@code kernel.io_uring_disabled} not set, no seccomp filter. A run where io_uring
 * should work but the transport fell back to nio then fails instead of quietly testing nio twice.
 */
public final class ExpectedBackend {
    /** The oldest kernel the io_uring backend runs on (README, requirements). */
    private static final int[] KERNEL_FLOOR = {5, 19};

    private ExpectedBackend() {
    }

    /** {@code io_uring} or {@code nio}: what this run should be using. */
    public static String name() {
        String selected = System.getProperty("dev.iocp.backend", "auto").trim().toLowerCase(Locale.ROOT);
        if (!selected.equals("auto")) {
            return selected.equals("nio") ? "nio" : "io_uring";
        }
        return whyIoUringCannotRun().isEmpty() ? "io_uring" : "nio";
    }

    /** Why this machine cannot run io_uring, as far as it tells without trying; empty if it can. */
    public static Optional<String> whyIoUringCannotRun() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of("not Linux");
        }
        if (!atLeast(System.getProperty("os.version", "0"), KERNEL_FLOOR)) {
            return Optional.of("kernel " + System.getProperty("os.version") + " is older than 5.19");
        }
        String disabled = read(Path.of("/proc/sys/kernel/io_uring_disabled"));
        if (disabled != null && !disabled.equals("0")) {
            return Optional.of("kernel.io_uring_disabled=" + disabled);
        }
        String status = read(Path.of("/proc/self/status"));
        if (status != null && status.lines().anyMatch(line -> line.matches("Seccomp:\\s*2"))) {
            return Optional.of("a seccomp filter is installed (containers often block io_uring)");
        }
        return Optional.empty();
    }

    private static boolean atLeast(String version, int[] floor) {
        String[] parts = version.split("[^0-9]+");
        for (int i = 0; i < floor.length; i++) {
            int part = i < parts.length && !parts[i].isEmpty() ? Integer.parseInt(parts[i]) : 0;
            if (part != floor[i]) {
                return part > floor[i];
            }
        }
        return true;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
