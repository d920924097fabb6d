package dev.iocp.smoke;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every command README.md and examples/README.md show in their {@code ```sh} blocks, run as
 * shown on a fresh copy of the repository, long enough to see it work: a server answers a
 * request (HTTP GET for the HTTP servers, a file for the file server, an echo for the echo
 * servers), a client reports success against the documented server, a program that runs to its
 * end succeeds, a build produces the jar the README runs next. Servers are then stopped by
 * their process id, the whole process tree ({@code mvn} forks {@code java}).
 *
 * <p>The commands are read from the READMEs, not written here, so what is tested is what is
 * documented; a documented command this test has no check for fails it ({@link SmokePlan}).
 * {@link #SKIPPED} lists what is deliberately not run, and why.
 *
 * <p>They run as a reader runs them: through the shell, in the copy's root, {@code mvn} without
 * {@code -o}, {@code java} being a JDK 25's (this test's JVM, which the build's toolchain
 * chose), and with the local Maven repository seen without this project's artifacts
 * ({@link RepositoryWithoutProject}). The documented ports (8080, 8081, 8007) must be free.
 */
class ReadmeCommandsSmokeTest {
    static final List<String> READMES = List.of("README.md", "examples/README.md");

    /** Documented commands not run, by their exact text, and why. */
    static final Map<String, String> SKIPPED = new LinkedHashMap<>();

    static {
        SKIPPED.put("mvn -B verify",
                "the test command: it runs this smoke test (recursion); CI runs it, through .ci/run");
        SKIPPED.put("mvn -pl examples -am test -Dtest='dev.iocp.examples.*Test' -Dsurefire.failIfNoSpecifiedTests=false",
                "the examples' tests: the build running this test has run them already, on both backends");
        SKIPPED.put("java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar -prof gc",
                "runs every JMH benchmark, tens of minutes; the build before it is checked to produce the jar");
        for (String compare : List.of("benchmarks/scripts/compare.sh", "benchmarks/scripts/compare.sh --quick",
                "benchmarks/scripts/compare.sh --rounds 5 --duration 20 --only echo,http --transports iocp,epoll,io_uring")) {
            SKIPPED.put(compare, "a benchmark run of 3 to 25 minutes that needs wrk and taskset");
        }
    }

    /** For one command: the first one builds the whole project in the copy. */
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(4);
    /** For a stopped server's port to be free again, or a previous program's. */
    private static final Duration PORT_RELEASE = Duration.ofSeconds(15);
    private static final String PROJECT_GROUP = "dev.iocp";

    private final Path repository = Path.of(System.getProperty("smoke.repository", "..")).toAbsolutePath().normalize();
    private final Path work = Path.of(System.getProperty("smoke.work", "target/smoke")).toAbsolutePath();
    private final String mavenHome = System.getProperty("smoke.mavenHome", "");
    private final String mavenJavaHome = System.getProperty("smoke.mavenJavaHome", "");
    private final Path localRepository = Path.of(System.getProperty("smoke.localRepository",
            System.getProperty("user.home") + "/.m2/repository"));

    private Path clone;
    private Path repositoryView;
    private int launched;

    enum Status { PASSED, FAILED, SKIPPED }

    record Outcome(DocumentedCommand command, Status status, String detail, Duration took) {
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void everyCommandTheReadmesShowWorksOnAFreshClone() throws Exception {
        Assumptions.assumeTrue(Files.exists(repository.resolve(".git")),
                repository + " is not a git clone: no tracked files to copy, nothing to smoke-test");
        assertTrue(Runtime.version().feature() >= 25, "the README runs java -jar with a JDK 25's java; this test runs on "
                + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        long start = System.nanoTime();
        clone = FreshClone.create(repository, work.resolve("clone"));
        repositoryView = RepositoryWithoutProject.create(localRepository, PROJECT_GROUP, work.resolve("repository-without-" + PROJECT_GROUP));
        SmokePlan plan = new SmokePlan(DocumentedCommand.in(clone, READMES), SKIPPED);
        if (!plan.unchecked().isEmpty()) {
            fail("README commands this test does not know how to check:\n  " + String.join("\n  ", plan.unchecked()));
        }
        List<String> busy = busyPorts(plan);
        if (!busy.isEmpty()) {
            fail("ports the documented commands use are taken by another program; stop it and run again:\n  "
                    + String.join("\n  ", busy));
        }

        List<Outcome> outcomes = new ArrayList<>();
        for (SmokePlan.Step step : plan.steps()) {
            outcomes.addAll(run(step));
        }
        String report = report(outcomes, Duration.ofNanos(System.nanoTime() - start));
        System.out.println(report);
        Files.writeString(work.resolve("report.txt"), report, StandardCharsets.UTF_8);
        List<String> failures = outcomes.stream().filter(o -> o.status() == Status.FAILED)
                .map(o -> o.command() + "\n    " + o.detail().replace("\n", "\n    ")).toList();
        if (!failures.isEmpty()) {
            fail(failures.size() + " README command(s) do not work on a fresh clone:\n  " + String.join("\n  ", failures));
        }
    }

    private static List<String> busyPorts(SmokePlan plan) {
        List<String> busy = new ArrayList<>();
        for (SmokePlan.Step step : plan.steps()) {
            if (step instanceof SmokePlan.Launch launch && launch.run().example().role == Example.Role.SERVER) {
                ExampleRun run = launch.run();
                if (!Ports.free(run.example().protocol, run.host(), run.port())) {
                    busy.add(run.example().protocol + " " + run.host() + ":" + run.port() + ", for: " + launch.command().text());
                }
            }
        }
        return busy;
    }

    private List<Outcome> run(SmokePlan.Step step) throws IOException, InterruptedException {
        long start = System.nanoTime();
        return switch (step) {
            case SmokePlan.Skip skip -> List.of(new Outcome(skip.command(), Status.SKIPPED, skip.reason(), Duration.ZERO));
            case SmokePlan.Build build -> List.of(runBuild(build, start));
            case SmokePlan.Launch launch when launch.run().example().role == Example.Role.SERVER -> runServer(launch, start);
            case SmokePlan.Launch launch -> List.of(runToItsEnd(launch.command(), launch.run(), start));
        };
    }

    private Outcome runBuild(SmokePlan.Build build, long start) throws IOException, InterruptedException {
        try (LaunchedCommand command = launch(build.command())) {
            String problem = exitProblem(command);
            if (problem == null && !Files.isRegularFile(clone.resolve(build.producedFile()))) {
                problem = "exit status 0, but " + build.producedFile() + " was not built";
            }
            return outcome(build.command(), command, problem, "built " + build.producedFile(), start);
        }
    }

    /** A program that ends by itself (a client, PortEcho, the list of examples): status 0 and its report. */
    private Outcome runToItsEnd(DocumentedCommand documented, ExampleRun run, long start)
            throws IOException, InterruptedException {
        try (LaunchedCommand command = launch(documented)) {
            String problem = exitProblem(command);
            List<String> expected = new ArrayList<>(switch (run.example()) {
                case ECHO_CLIENT, UDP_ECHO_CLIENT -> List.of("echoed back intact");
                case PORT_ECHO -> List.of("echoed: hello, completion port");
                case LIST -> List.of("examples: HttpHelloWorldServer, HttpStaticFileServer, EchoServer, EchoClient, "
                        + "UdpEchoServer, UdpEchoClient, PortEcho");
                default -> throw new IllegalArgumentException(run.example() + " does not end by itself");
            });
            if (!run.transportShown().isEmpty()) {
                expected.add(run.transportShown());
            }
            String output = command.output();
            for (String text : expected) {
                if (problem == null && !output.contains(text)) {
                    problem = "exit status 0, but the output lacks '" + text + "'";
                }
            }
            return outcome(documented, command, problem, firstLineWith(output, expected.getFirst()), start);
        }
    }

    /** A server: bound, answering its probe, its clients run against it, then stopped and its port released. */
    private List<Outcome> runServer(SmokePlan.Launch launch, long start) throws IOException, InterruptedException {
        ExampleRun run = launch.run();
        Example.Protocol protocol = run.example().protocol;
        List<Outcome> outcomes = new ArrayList<>();
        if (!Ports.awaitFree(protocol, run.host(), run.port(), PORT_RELEASE)) {
            outcomes.add(new Outcome(launch.command(), Status.FAILED, protocol + " port " + run.port()
                    + " is in use by another program: stop it and run again", Duration.ZERO));
            launch.clients().forEach(c -> outcomes.add(new Outcome(c.command(), Status.FAILED, "its server could not start", Duration.ZERO)));
            return outcomes;
        }
        String problem;
        String seen = "";
        LaunchedCommand server = launch(launch.command());
        try {
            problem = awaitListening(server, run);
            if (problem == null) {
                try {
                    seen = probe(run);
                    if (!run.transportShown().isEmpty() && !server.awaitOutput(run.transportShown(), Duration.ofSeconds(5))) {
                        problem = "answered, but did not say it runs on '" + run.transportShown() + "'";
                    }
                } catch (AssertionError | IOException e) {
                    problem = "listening, but the probe failed: " + e.getMessage();
                }
            }
            for (SmokePlan.Client client : launch.clients()) {
                outcomes.add(problem == null
                        ? runToItsEnd(client.command(), client.run(), System.nanoTime())
                        : new Outcome(client.command(), Status.FAILED, "its server did not work: " + launch.command().text(), Duration.ZERO));
            }
        } finally {
            List<String> killed = server.stopTree();
            if (!killed.isEmpty()) {
                System.out.println("SIGKILLed after " + launch.command().text() + ": " + killed);
            }
        }
        if (problem == null && !Ports.awaitFree(protocol, run.host(), run.port(), PORT_RELEASE)) {
            problem = "stopped (process tree of " + server.pid() + "), but port " + run.port() + " is still taken";
        }
        outcomes.addFirst(outcome(launch.command(), server, problem, seen + "; stopped by pid " + server.pid(), start));
        return outcomes;
    }

    /** Null once the server listens (for UDP: answers); else why it never did. */
    private static String awaitListening(LaunchedCommand server, ExampleRun run) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + COMMAND_LIMIT.toNanos();
        while (true) {
            boolean up = run.example().protocol == Example.Protocol.UDP
                    ? Probes.udpEcho(run.host(), run.port(), Duration.ofMillis(500))
                    : Ports.accepting(run.host(), run.port());
            if (up) {
                return null;
            }
            if (!server.isAlive()) {
                try {
                    return "exited with status " + server.awaitExit(Duration.ZERO) + " before listening on " + run.port();
                } catch (TimeoutException cannotBe) {
                    throw new IllegalStateException(cannotBe);
                }
            }
            if (System.nanoTime() > deadline) {
                return "not listening on " + run.port() + " after " + COMMAND_LIMIT.toSeconds() + " s";
            }
            Thread.sleep(250);
        }
    }

    private String probe(ExampleRun run) throws IOException, InterruptedException {
        return switch (run.example()) {
            case HTTP_HELLO_WORLD_SERVER -> Probes.helloWorld(run.host(), run.port());
            case HTTP_STATIC_FILE_SERVER -> Probes.fileServer(run.host(), run.port(),
                    run.launcher().workingDirectory(clone).resolve(run.option("--dir", ".")).normalize());
            case ECHO_SERVER -> Probes.tcpEcho(run.host(), run.port());
            case UDP_ECHO_SERVER -> "a datagram echoed"; // how awaitListening saw it up
            default -> throw new IllegalArgumentException(run.example() + " is not a server");
        };
    }

    /** Null when {@code command} exited by itself with status 0 within the limit; else what happened. */
    private static String exitProblem(LaunchedCommand command) throws InterruptedException {
        try {
            int status = command.awaitExit(COMMAND_LIMIT);
            return status == 0 ? null : "exit status " + status;
        } catch (TimeoutException e) {
            return e.getMessage();
        }
    }

    /** Starts {@code command} in the copy's root, where the READMEs' commands are typed. */
    private LaunchedCommand launch(DocumentedCommand command) throws IOException {
        String label = String.format("%02d-%s", ++launched, command.text().replaceAll("[^A-Za-z0-9]+", "-"));
        Path log = work.resolve("logs").resolve(label.substring(0, Math.min(label.length(), 100)) + ".log");
        return LaunchedCommand.start(command.text(), clone, environmentFor(command.text()), log);
    }

    /**
     * This test's environment, with the documented {@code mvn} being the Maven that runs this
     * build, on the JDK it runs on (surefire hands this test the toolchain's in JAVA_HOME),
     * {@code java} the JDK 25 this test runs on (what the README asks for), and the repository
     * view without this project's artifacts.
     */
    private Map<String, String> environmentFor(String command) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        // Set by the mvn script that started this build, for that build: not the nested one's.
        environment.remove("MAVEN_PROJECTBASEDIR");
        environment.remove("MAVEN_CMD_LINE_ARGS");
        if (!mavenJavaHome.isEmpty()) {
            environment.put("JAVA_HOME", mavenJavaHome);
        }
        String first = command.startsWith("java ") ? Path.of(System.getProperty("java.home"), "bin").toString()
                : mavenHome.isEmpty() ? "" : Path.of(mavenHome, "bin").toString();
        String path = environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.put("PATH", first.isEmpty() ? path : first + ":" + path);
        environment.put("MAVEN_OPTS", (environment.getOrDefault("MAVEN_OPTS", "") + " -Dmaven.repo.local=" + repositoryView).strip());
        return environment;
    }

    private static Outcome outcome(DocumentedCommand documented, LaunchedCommand command, String problem, String seen,
                                   long start) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (problem == null) {
            return new Outcome(documented, Status.PASSED, seen, took);
        }
        return new Outcome(documented, Status.FAILED, problem + "; log " + command.log() + ", ending:\n"
                + command.outputTail(25), took);
    }

    private static String firstLineWith(String output, String text) {
        return output.lines().filter(line -> line.contains(text)).findFirst().orElse("").strip();
    }

    private String report(List<Outcome> outcomes, Duration total) {
        StringBuilder report = new StringBuilder("README smoke test on a fresh copy (" + clone + "):\n");
        for (Outcome outcome : outcomes) {
            report.append(String.format("%-7s %5.1f s  %s%n                 %s%n", outcome.status(),
                    outcome.took().toMillis() / 1000.0, outcome.command(),
                    outcome.detail().lines().findFirst().orElse("")));
        }
        boolean installed = Files.isDirectory(localRepository.resolve(PROJECT_GROUP.replace('.', '/')));
        report.append(String.format("total %.1f s; the local repository %s %s artifacts (%s), hidden from the commands%n",
                total.toMillis() / 1000.0, installed ? "holds" : "does not hold", PROJECT_GROUP, localRepository));
        return report.toString();
    }
}
