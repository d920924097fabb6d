package dev.iocp.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Guesses a response's {@code Content-Type} from the file name's extension. A short table is
 * enough for an example; anything unknown is sent as opaque bytes, which browsers download
 * rather than try to render.
 */
final class ContentTypes {
    static final String DEFAULT = "application/octet-stream";

    private static final String UTF_8 = "; charset=UTF-8";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF_8),
            Map.entry("htm", "text/html" + UTF_8),
            Map.entry("txt", "text/plain" + UTF_8),
            Map.entry("md", "text/markdown" + UTF_8),
            Map.entry("css", "text/css" + UTF_8),
            Map.entry("csv", "text/csv" + UTF_8),
            Map.entry("js", "text/javascript" + UTF_8),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("wasm", "application/wasm"));

    private ContentTypes() {
    }

    static String of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
