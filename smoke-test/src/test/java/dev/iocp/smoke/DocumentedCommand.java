package dev.iocp.smoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line a README shows in a {@code ```sh} block, and where: the unit the smoke test
 * checks. Every non-blank line of such a block is a command, less a comment after {@code #}
 * (a line that is only a comment is none); a command shown in several places is one command.
 */
record DocumentedCommand(String text, List<String> places) {

    /** The commands of {@code readmes} (paths relative to {@code root}), in the order shown. */
    static List<DocumentedCommand> in(Path root, List<String> readmes) throws IOException {
        Map<String, List<String>> places = new LinkedHashMap<>();
        for (String readme : readmes) {
            List<String> lines = Files.readAllLines(root.resolve(readme), StandardCharsets.UTF_8);
            boolean inShellBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("```")) {
                    inShellBlock = !inShellBlock && line.equals("```sh");
                    continue;
                }
                String command = inShellBlock ? withoutComment(line) : "";
                if (!command.isEmpty()) {
                    places.computeIfAbsent(command, c -> new ArrayList<>()).add(readme + ":" + (i + 1));
                }
            }
        }
        List<DocumentedCommand> commands = new ArrayList<>();
        places.forEach((text, where) -> commands.add(new DocumentedCommand(text, List.copyOf(where))));
        return commands;
    }

    /** {@code line} without a shell comment: from a {@code #} at its start or after a blank. */
    static String withoutComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i).strip();
            }
        }
        return line;
    }

    @Override
    public String toString() {
        return text + "  (" + String.join(", ", places) + ")";
    }
}
