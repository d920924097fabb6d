package dev.iocp.smoke;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the smoke test does with each documented command, decided before anything runs, so that
 * a command it cannot check fails the test at once instead of slipping by.
 *
 * <p>A client runs while a documented server it can talk to is up (same program, host and port,
 * preferring one started the same way): that server's step runs it. A build without
 * {@code exec:exec} passes when it succeeds and leaves the jar the README runs next.
 */
final class SmokePlan {
    sealed interface Step {
        DocumentedCommand command();
    }

    /** Not run, for {@code reason}. */
    record Skip(DocumentedCommand command, String reason) implements Step {
    }

    /** A build: must succeed and produce {@code producedFile} (relative to the clone). */
    record Build(DocumentedCommand command, String producedFile) implements Step {
    }

    /** An example, with the clients to run against it while it is up (servers only). */
    record Launch(DocumentedCommand command, ExampleRun run, List<Client> clients) implements Step {
    }

    record Client(DocumentedCommand command, ExampleRun run) {
    }

    /** The jar each module's documented build produces, which the README then runs. */
    private static final Map<String, String> PRODUCED = Map.of(
            "examples", ExampleRun.JAR,
            "benchmarks", "benchmarks/target/benchmarks.jar");

    private final List<Step> steps = new ArrayList<>();
    private final List<String> unchecked = new ArrayList<>();

    /**
     * @param skipped commands not to run (exact text), each with the reason
     */
    SmokePlan(List<DocumentedCommand> commands, Map<String, String> skipped) {
        List<Client> clients = new ArrayList<>();
        for (DocumentedCommand command : commands) {
            String reason = skipped.get(command.text());
            ExampleRun run = reason == null ? ExampleRun.of(command.text()) : null;
            String built = reason == null && run == null ? producedBy(command.text()) : null;
            if (reason != null) {
                steps.add(new Skip(command, reason));
            } else if (run != null && run.example().role == Example.Role.CLIENT) {
                clients.add(new Client(command, run));
            } else if (run != null) {
                steps.add(new Launch(command, run, new ArrayList<>()));
            } else if (built != null) {
                steps.add(new Build(command, built));
            } else {
                unchecked.add(command + ": no check for this command (not a build of a known jar, nor an example this"
                        + " test knows run with options it can probe: a misspelt name?); teach "
                        + ReadmeCommandsSmokeTest.class.getSimpleName() + " how to see it work, or list it as skipped with the reason");
            }
        }
        for (Client client : clients) {
            Launch server = serverFor(client.run());
            if (server == null) {
                unchecked.add(client.command() + ": no documented " + client.run().example().server.programName
                        + " on " + client.run().host() + ":" + client.run().port() + " to run it against");
            } else {
                server.clients().add(client);
            }
        }
    }

    /** The file a {@code mvn ... package} of one module produces, or null for any other command. */
    private static String producedBy(String command) {
        List<String> words = ShellWords.of(command);
        if (!words.get(0).equals("mvn") || !words.contains("package") || words.contains("exec:exec")) {
            return null;
        }
        return PRODUCED.entrySet().stream()
                .filter(module -> ExampleRun.isModule(words, module.getKey()))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private Launch serverFor(ExampleRun client) {
        return steps.stream()
                .filter(step -> step instanceof Launch)
                .map(step -> (Launch) step)
                .filter(launch -> launch.run().example() == client.example().server
                        && launch.run().port() == client.port() && launch.run().host().equals(client.host()))
                .min(Comparator.comparing((Launch launch) -> launch.run().launcher() != client.launcher()))
                .orElse(null);
    }

    List<Step> steps() {
        return steps;
    }

    /** The commands the smoke test does not know how to check, each with why. */
    List<String> unchecked() {
        return unchecked;
    }
}
