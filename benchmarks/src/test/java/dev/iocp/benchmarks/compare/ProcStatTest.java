package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcStatTest {
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    private static final String STAT =
            "4242 (java) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 89 10 20 0 25 0 100 0 0";

    @Test
    void cpuTicksAreUtimePlusStime() {
        assertEquals(1234 + 567, ProcStat.cpuTicks(STAT));
    }

    @Test
    void withChildrenAddsCutimeAndCstime() {
        assertEquals(1234 + 567 + 89 + 10, ProcStat.cpuTicksWithChildren(STAT));
    }

    @Test
    void aCommandWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = STAT.replace("(java)", "(we ird) (name)");
        assertEquals(1234 + 567, ProcStat.cpuTicks(stat));
    }

    @Test
    void textThatIsNotAStatLineIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.cpuTicks("no parenthesis here"));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.cpuTicks("1 (java) S 1 2"));
    }

    @Test
    void readsThisProcess() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
        long pid = ProcessHandle.current().pid();
        long own = ProcStat.cpuTicks(pid);
        assertTrue(own >= 0);
        // Read second: the process's ticks only grow, so the sum read later is at least as large.
        assertTrue(ProcStat.selfAndChildrenTicks() >= own);
        assertTrue(ProcStat.ticksPerSecond() > 0);
    }
}
