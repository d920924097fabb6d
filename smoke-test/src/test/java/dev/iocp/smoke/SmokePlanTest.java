package dev.iocp.smoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How commands are read from a README and what the smoke test makes of each, without running any. */
class SmokePlanTest {
    @TempDir
    Path root;

    private List<DocumentedCommand> commandsOf(String readme) throws Exception {
        Files.writeString(root.resolve("README.md"), readme);
        return DocumentedCommand.in(root, List.of("README.md"));
    }

    @Test
    void readsTheLinesOfShellBlocksWithoutComments() throws Exception {
        List<DocumentedCommand> commands = commandsOf("""
                Text `mvn not-a-command`.
                ```sh
                # a comment line
                mvn -q -pl examples -am -DskipTests package exec:exec   # the main example

                java -jar examples/target/transport-iocp-examples.jar --help
                ```
                ```java
                mvn in-java-block
                ```
                ```sh
                mvn -q -pl examples -am -DskipTests package exec:exec
                ```
                """);
        assertEquals(List.of("mvn -q -pl examples -am -DskipTests package exec:exec",
                "java -jar examples/target/transport-iocp-examples.jar --help"),
                commands.stream().map(DocumentedCommand::text).toList());
        assertEquals(List.of("README.md:4", "README.md:12"), commands.getFirst().places(), "shown twice, run once");
    }

    @Test
    void refusesCommandsItCannotCheck() throws Exception {
        SmokePlan plan = new SmokePlan(commandsOf("""
                ```sh
                mvn -q -pl examples -am -DskipTests package exec:exec -Dexample="NoSuchExample"
                mvn -q -pl examples -am -DskipTests package exec:exec -Dexample="HttpHelloWorldServer --unix /tmp/s"
                curl http://127.0.0.1:8080/
                java -jar examples/target/transport-iocp-examples.jar EchoClient --port 9999
                mvn -B verify
                ```
                """), Map.of("mvn -B verify", "recursion"));
        assertEquals(4, plan.unchecked().size(), plan.unchecked().toString());
        assertTrue(plan.unchecked().get(3).contains("no documented EchoServer on 127.0.0.1:9999"), plan.unchecked().get(3));
        assertInstanceOf(SmokePlan.Skip.class, plan.steps().getFirst());
    }

    @Test
    void runsEachClientAgainstADocumentedServerStartedTheSameWay() throws Exception {
        SmokePlan plan = new SmokePlan(commandsOf("""
                ```sh
                mvn -q -pl examples -am -DskipTests package exec:exec -Dexample="EchoServer --transport nio"
                java -jar examples/target/transport-iocp-examples.jar EchoServer --backend nio
                mvn -q -pl benchmarks -am -DskipTests package
                java -jar examples/target/transport-iocp-examples.jar EchoClient --size 10
                mvn -q -pl examples -am -DskipTests package exec:exec -Dexample="EchoClient --size 10"
                ```
                """), Map.of());
        assertEquals(List.of(), plan.unchecked());
        SmokePlan.Launch mavenServer = (SmokePlan.Launch) plan.steps().get(0);
        SmokePlan.Launch jarServer = (SmokePlan.Launch) plan.steps().get(1);
        assertEquals("EchoClient --size 10\"", mavenServer.clients().getFirst().command().text().split("-Dexample=\"")[1]);
        assertEquals(ExampleRun.Launcher.EXECUTABLE_JAR, jarServer.clients().getFirst().run().launcher());
        assertEquals("(iocp (backend nio)", jarServer.run().transportShown());
        assertEquals("benchmarks/target/benchmarks.jar", ((SmokePlan.Build) plan.steps().get(2)).producedFile());
    }
}
