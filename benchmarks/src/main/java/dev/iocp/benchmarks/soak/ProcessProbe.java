package dev.iocp.benchmarks.soak;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory and open descriptors, read from {@code /proc/self} (Linux);
 * -1 where that is not available. Public for the comparison server ({@code compare.ServerCounters}).
 */
public final class ProcessProbe {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final File FDS = new File("/proc/self/fd");

    private ProcessProbe() {
    }

    /** VmRSS in KiB: what the process occupies in RAM, heap and native memory alike. */
    public static long rssKib() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:     123456 kB"
                    return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return -1;
    }

    /**
     * Open descriptors. The listing opens one descriptor of its own, which is counted too; as it
     * is counted in every sample, comparisons between samples are unaffected.
     */
    public static int openDescriptors() {
        String[] entries = FDS.list();
        return entries == null ? -1 : entries.length;
    }
}
