package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.testing.Executables;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A descriptor receive in a process out of descriptors: the kernel installs what fits, then says
 * {@code MSG_CTRUNC}; with room left in the control buffer that is not "too many descriptors"
 * ({@code -EMSGSIZE}) but {@code -EMFILE}, and the port closes the ones that did arrive. Run in a
 * child process ({@link DescriptorReceiveOutOfDescriptors}) under its own descriptor limit, so the
 * shortage touches no other test.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IoUringDescriptorReceiveEmfileTest {

    @Test
    void aMessageWhoseDescriptorsDoNotAllFitTheProcessCompletesEmfileAndLeavesNoneOpen() throws Exception {
        Assumptions.assumeTrue(IoUringBackend.INSTANCE.isAvailable(), "io_uring is not available here");
        String prlimit = Executables.onPath("prlimit");
        Assumptions.assumeTrue(prlimit != null, "needs prlimit (util-linux) to run the child under a descriptor limit");
        List<String> command = new ArrayList<>(List.of(prlimit, "--nofile=1024:1024",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), DescriptorReceiveOutOfDescriptors.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the child did not finish");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        String result = output.lines().filter(line -> line.startsWith("RESULT ")).findFirst().orElse("");
        // Two of the six descriptors fitted and were closed by the port; only the sender's own stays.
        assertEquals("RESULT " + -Errno.EMFILE + " OPEN 1 ADOPTED 0", result, output);
    }
}
