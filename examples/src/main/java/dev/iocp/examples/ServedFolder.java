package dev.iocp.examples;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The folder a file server publishes, and the one decision that keeps it safe: which request
 * paths name a file inside it.
 *
 * <p>A path is looked up only after it is percent-decoded (so {@code %2e%2e} is {@code ..}) and
 * normalised, and it must stay under the folder twice: lexically, which rules out {@code ..}
 * and absolute paths, and again after symbolic links are resolved, which rules out a link inside
 * the folder that points out of it.
 */
final class ServedFolder {
    /** The outcome of looking up a request path. */
    enum Outcome {
        /** A regular file inside the folder; {@link Lookup#file()} is its real path. */
        FOUND,
        /** Nothing there. */
        NOT_FOUND,
        /** Outside the folder, a directory, or not a regular file: not served. */
        FORBIDDEN,
        /** Not a path at all (no leading {@code /}, bad escapes, NUL). */
        BAD_REQUEST
    }

    /** A looked-up path; {@code file} is set only when {@code outcome} is {@link Outcome#FOUND}. */
    record Lookup(Outcome outcome, Path file) {
        static Lookup of(Outcome outcome) {
            return new Lookup(outcome, null);
        }
    }

    private final Path root;

    /**
     * @throws IOException when {@code folder} does not exist or is not a directory
     */
    ServedFolder(Path folder) throws IOException {
        this.root = folder.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(folder + " is not a directory");
        }
    }

    /** The folder's real path. */
    Path root() {
        return root;
    }

    /** Looks up the request target {@code uri} (its query, if any, is ignored). */
    Lookup lookup(String uri) {
        String path;
        try {
            path = new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException badEscape) {
            return Lookup.of(Outcome.BAD_REQUEST);
        }
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            return Lookup.of(Outcome.BAD_REQUEST);
        }
        if (path.indexOf('\\') >= 0) {
            // Not a separator here, but never a legitimate part of a URL path either.
            return Lookup.of(Outcome.FORBIDDEN);
        }
        Path relative;
        try {
            relative = Path.of(path.substring(1));
        } catch (InvalidPathException e) {
            return Lookup.of(Outcome.BAD_REQUEST);
        }
        if (relative.isAbsolute()) { // "//etc/passwd"
            return Lookup.of(Outcome.FORBIDDEN);
        }
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            return Lookup.of(Outcome.FORBIDDEN);
        }
        if (!Files.exists(candidate)) {
            return Lookup.of(Outcome.NOT_FOUND);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            return Lookup.of(Outcome.NOT_FOUND);
        }
        if (!real.startsWith(root) || !Files.isRegularFile(real)) {
            return Lookup.of(Outcome.FORBIDDEN);
        }
        return new Lookup(Outcome.FOUND, real);
    }
}
