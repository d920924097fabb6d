package dev.iocp.smoke;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local Maven repository as a machine that never built this project has it: a folder of
 * symbolic links to everything in the real one except this project's own group
 * ({@code dev.iocp}), which a developer's {@code mvn install} may have left there. Run with it
 * ({@code -Dmaven.repo.local}), a documented command that needs one of this project's artifacts
 * from the repository, rather than building it, fails here as it would on a fresh machine.
 * What Maven downloads meanwhile lands in the real repository through the links, or in this
 * folder for a group the real one lacks.
 */
final class RepositoryWithoutProject {
    private RepositoryWithoutProject() {
    }

    static Path create(Path localRepository, String groupId, Path destination) throws IOException {
        FreshClone.deleteTree(destination);
        mirror(localRepository, destination, Arrays.asList(groupId.split("\\.")));
        return destination;
    }

    /** Links {@code target}'s entries to {@code source}'s, except the {@code left} path. */
    private static void mirror(Path source, Path target, List<String> left) throws IOException {
        Files.createDirectories(target);
        if (!Files.isDirectory(source)) {
            return;
        }
        try (Stream<Path> entries = Files.list(source)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals(left.get(0))) {
                    Files.createSymbolicLink(target.resolve(name), entry);
                } else if (left.size() > 1) {
                    mirror(entry, target.resolve(name), left.subList(1, left.size()));
                }
            }
        }
    }
}
