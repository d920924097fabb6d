package dev.iocp.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Programs a test runs beside the JVM (e.g. {@code prlimit}, to start a child under a descriptor limit). */
public final class Executables {
    private Executables() {
    }

    /**
     * The path of {@code program} on {@code PATH}, or else in the usual system folders (a test
     * runner may hand a reduced {@code PATH}); null when it is nowhere.
     */
    public static String onPath(String program) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(File.pathSeparator)));
        }
        for (String dir : dirs) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
