package dev.iocp.smoke;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A documented command that runs an example, as the launcher will read it: which program, with
 * which arguments, started how. Parsing mirrors {@code Examples.main}: no program name (or an
 * option first) means the main example, HttpHelloWorldServer; {@code --help} alone lists them.
 */
record ExampleRun(Launcher launcher, Example example, List<String> args) {

    /** How the example is started, which decides the folder it runs in. */
    enum Launcher {
        /** {@code mvn ... exec:exec -Dexample="..."}: exec runs in the examples module's folder. */
        MAVEN_EXEC("examples"),
        /** {@code java -jar examples/target/transport-iocp-examples.jar ...}: runs where it is typed. */
        EXECUTABLE_JAR("");

        private final String folder;

        Launcher(String folder) {
            this.folder = folder;
        }

        Path workingDirectory(Path clone) {
            return folder.isEmpty() ? clone : clone.resolve(folder);
        }
    }

    static final String JAR = "examples/target/transport-iocp-examples.jar";

    /**
     * The example {@code command} runs, or null when it runs none the smoke test knows (a
     * program it has no check for, an option such as {@code --unix} it cannot probe).
     */
    static ExampleRun of(String command) {
        List<String> words = ShellWords.of(command);
        Launcher launcher;
        List<String> launcherArgs;
        if (words.size() >= 3 && words.get(0).equals("java") && words.get(1).equals("-jar") && words.get(2).equals(JAR)) {
            launcher = Launcher.EXECUTABLE_JAR;
            launcherArgs = words.subList(3, words.size());
        } else if (words.get(0).equals("mvn") && words.contains("exec:exec") && isModule(words, "examples")) {
            launcher = Launcher.MAVEN_EXEC;
            String example = words.stream().filter(w -> w.startsWith("-Dexample=")).reduce((a, b) -> b).orElse("-Dexample=");
            String value = example.substring("-Dexample=".length()).strip();
            launcherArgs = value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
        } else {
            return null;
        }
        if (launcherArgs.equals(List.of("--help"))) {
            return new ExampleRun(launcher, Example.LIST, List.of());
        }
        boolean named = !launcherArgs.isEmpty() && !launcherArgs.get(0).startsWith("-");
        Example example = named ? Example.named(launcherArgs.get(0)) : Example.HTTP_HELLO_WORLD_SERVER;
        List<String> args = named ? launcherArgs.subList(1, launcherArgs.size()) : launcherArgs;
        if (example == null || args.contains("--unix") || args.contains("--help")) {
            return null;
        }
        return new ExampleRun(launcher, example, List.copyOf(args));
    }

    /** Whether Maven's {@code -pl} in {@code words} names exactly {@code module}. */
    static boolean isModule(List<String> words, String module) {
        int pl = words.indexOf("-pl");
        return pl >= 0 && pl + 1 < words.size() && words.get(pl + 1).equals(module);
    }

    /** The value of {@code --name} among the arguments, or {@code otherwise}. */
    String option(String name, String otherwise) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : otherwise;
    }

    int port() {
        return Integer.parseInt(option("--port", String.valueOf(example.defaultPort)));
    }

    String host() {
        return option("--host", "127.0.0.1");
    }

    /**
     * What the program prints about its transport when the options that choose it took effect:
     * servers name it in their first line ({@code (nio)}, {@code (iocp (backend io_uring))}),
     * clients after "over". Empty when nothing was chosen (the default, iocp on whichever backend
     * runs here) or the program prints no such line.
     */
    String transportShown() {
        if (example.role == Example.Role.RUNS_TO_ITS_END) {
            return "";
        }
        String transport = option("--transport", "");
        String backend = option("--backend", "auto");
        String description;
        if (transport.equals("nio")) {
            description = "nio";
        } else if (!backend.equals("auto")) {
            description = "iocp (backend " + backend + ")";
        } else if (transport.equals("iocp")) {
            description = "iocp (backend ";
        } else {
            return "";
        }
        return example.role == Example.Role.SERVER ? "(" + description : "over " + description;
    }
}
