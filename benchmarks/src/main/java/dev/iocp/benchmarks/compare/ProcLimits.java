package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's soft limit on open descriptors, from {@code /proc/self/limits}; the servers inherit it. */
final class ProcLimits {
    private ProcLimits() {
    }

    /** The soft "Max open files" limit; -1 when unknown or unlimited. */
    static long maxOpenFiles() {
        try {
            return maxOpenFiles(Files.readString(Path.of("/proc/self/limits")));
        } catch (IOException e) {
            return -1;
        }
    }

    /** The soft "Max open files" limit in the text of a limits file; -1 when missing or unlimited. */
    static long maxOpenFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                return fields[0].equals("unlimited") ? -1 : Long.parseLong(fields[0]);
            }
        }
        return -1;
    }
}
