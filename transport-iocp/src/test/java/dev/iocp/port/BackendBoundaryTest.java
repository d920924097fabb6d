package dev.iocp.port;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux-specific code stays behind the backend line: the core (its internal package too), the
 * nio backend and the Netty layer reach {@code dev.iocp.port.uring} only through backend
 * selection ({@link Backends}).
 */
class BackendBoundaryTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/iocp");

    @Test
    void onlyBackendSelectionNamesTheIoUringBackend() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the transport-iocp module: " + SOURCES.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(SOURCES.resolve("channel"), SOURCES.resolve("port/nio"),
                SOURCES.resolve("port/internal"), SOURCES.resolve("port"))) {
            try (Stream<Path> files = Files.walk(root, root.endsWith("port") ? 1 : Integer.MAX_VALUE)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (file.getFileName().toString().equals("Backends.java")) {
                        continue;
                    }
                    if (Files.readString(file).contains("dev.iocp.port.uring")) {
                        offenders.add(SOURCES.relativize(file).toString());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "these files reach into dev.iocp.port.uring");
    }

    @Test
    void theNioBackendUsesNoForeignFunctions() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES.resolve("port/nio"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                assertTrue(!text.contains("java.lang.foreign"), file + " uses java.lang.foreign: nio must be portable");
            }
        }
    }
}
