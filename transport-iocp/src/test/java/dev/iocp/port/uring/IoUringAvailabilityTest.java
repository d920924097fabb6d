package dev.iocp.port.uring;

import dev.iocp.port.Errno;
import dev.iocp.port.PortException;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each reason io_uring can be unavailable is named, with the fix. */
class IoUringAvailabilityTest {

    private static String explain(int errno, int disabledSysctl) {
        return IoUringProbe.explainSetupFailure(new PortException("io_uring_setup", -errno), disabledSysctl).getMessage();
    }

    @Test
    void epermNamesSeccompAndTheDockerFix() {
        String message = explain(Errno.EPERM, 0);
        assertTrue(message.contains("seccomp") && message.contains("--security-opt seccomp=unconfined"), message);
    }

    @Test
    void epermWithTheSysctlAtOneNamesTheSysctl() {
        String message = explain(Errno.EPERM, 1);
        assertTrue(message.contains("kernel.io_uring_disabled=1") && message.contains("io_uring_group"), message);
    }

    @Test
    void enosysNamesTheKernelFloor() {
        String message = explain(Errno.ENOSYS, 0);
        assertTrue(message.contains("ENOSYS") && message.contains("5.19"), message);
    }

    @Test
    void enomemNamesTheMemlockLimitAndHowToRaiseIt() {
        String message = explain(Errno.ENOMEM, 0);
        assertTrue(message.contains("RLIMIT_MEMLOCK") && message.contains("ulimit -l"), message);
    }

    @Test
    void einvalForEveryFlagSetMeansTooOld() {
        assertTrue(explain(Errno.EINVAL, 0).contains("older than 5.19"));
    }

    @Test
    void withoutNativeAccessTheCauseNamesTheFlagAndNothingRestrictedIsCalled() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                PrintAvailability.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("available=false"), output);
        assertTrue(output.contains("--enable-native-access=ALL-UNNAMED"), output);
        assertFalse(output.contains("restricted method"), "no restricted method was called: " + output);
    }

    /** Run in a child JVM started without --enable-native-access. */
    public static final class PrintAvailability {
        public static void main(String[] args) throws IOException {
            System.out.println("available=" + IoUringBackend.INSTANCE.isAvailable());
            System.out.println("cause=" + IoUringBackend.INSTANCE.unavailabilityCause().getMessage());
        }
    }
}
