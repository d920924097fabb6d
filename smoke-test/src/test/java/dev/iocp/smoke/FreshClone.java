package dev.iocp.smoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A copy of the repository as a fresh clone has it: the files git tracks, with their contents
 * as they are now (so an uncommitted README change is what gets tested), and nothing else: no
 * {@code target/} folders, no build output, no untracked files.
 */
final class FreshClone {
    private FreshClone() {
    }

    /** Copies {@code repository}'s tracked files into {@code destination}, emptied first. */
    static Path create(Path repository, Path destination) throws IOException, InterruptedException {
        deleteTree(destination);
        Files.createDirectories(destination);
        Process git = new ProcessBuilder("git", "-C", repository.toString(), "ls-files", "-z")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        git.getOutputStream().close();
        String files = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() != 0) {
            throw new IOException("git ls-files failed in " + repository + " (see above)");
        }
        int copied = 0;
        for (String name : files.split("\0")) {
            Path source = repository.resolve(name);
            if (name.isEmpty() || !Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                continue; // deleted in the working tree: not part of the current contents
            }
            Path target = destination.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            copied++;
        }
        if (copied == 0) {
            throw new IOException("git tracks no files in " + repository);
        }
        return destination;
    }

    /**
     * Deletes {@code root} and everything under it, never following a symbolic link: a link is
     * removed, not what it points to (the smoke test's view of the local Maven repository is
     * made of links into the real one).
     */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
