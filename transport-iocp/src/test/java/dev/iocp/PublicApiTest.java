package dev.iocp;

import dev.iocp.channel.Iocp;
import dev.iocp.port.CompletionPort;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The public API is what users need and nothing more: the public types of {@code dev.iocp.channel}
 * and {@code dev.iocp.port} (the packages users import; the backends' packages are
 * implementation) are listed in {@code public-api.txt}, and a type that appears or disappears
 * fails this test until the list is changed with it, on purpose, in the same commit.
 */
class PublicApiTest {
    private static final String LIST = "/public-api.txt";

    @Test
    void publicTypesAreExactlyTheListedOnes() throws Exception {
        TreeSet<String> actual = new TreeSet<>();
        actual.addAll(publicTypes(Iocp.class));
        actual.addAll(publicTypes(CompletionPort.class));
        TreeSet<String> listed = listed();

        TreeSet<String> added = new TreeSet<>(actual);
        added.removeAll(listed);
        TreeSet<String> removed = new TreeSet<>(listed);
        removed.removeAll(actual);
        assertEquals("", (added.isEmpty() ? "" : "public now, not in " + LIST + ": " + added + "\n")
                + (removed.isEmpty() ? "" : "in " + LIST + ", no longer public: " + removed + "\n"),
                "the public API changed; if on purpose, change transport-iocp/src/test/resources" + LIST
                        + " with it (the whole list, sorted:\n" + String.join("\n", actual) + "\n)");
    }

    /** The public types, nested ones included, of the package of {@code member}, read from its class files. */
    private static List<String> publicTypes(Class<?> member) throws IOException, URISyntaxException, ClassNotFoundException {
        String packageName = member.getPackageName();
        Path root = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path directory = root.resolve(packageName.replace('.', '/'));
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".class") || fileName.equals("package-info.class")) {
                    continue;
                }
                String binaryName = packageName + "." + fileName.substring(0, fileName.length() - ".class".length());
                Class<?> type = Class.forName(binaryName, false, member.getClassLoader());
                if (isReachablePublic(type)) {
                    names.add(type.getName());
                }
            }
        }
        return names;
    }

    /**
     * A type users can name: public, and, when nested, public or protected inside types that are
     * themselves reachable so.
     */
    private static boolean isReachablePublic(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            int modifiers = t.getModifiers();
            boolean nested = t.getEnclosingClass() != null;
            if (!Modifier.isPublic(modifiers) && !(nested && Modifier.isProtected(modifiers))) {
                return false;
            }
        }
        return true;
    }

    private static TreeSet<String> listed() throws IOException {
        try (InputStream in = PublicApiTest.class.getResourceAsStream(LIST)) {
            assertNotNull(in, LIST + " is missing");
            TreeSet<String> names = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            return names;
        }
    }
}
