package dev.iocp.benchmarks.compare;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static dev.iocp.benchmarks.compare.ComparedTransport.EPOLL;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP;
import static dev.iocp.benchmarks.compare.ComparedTransport.IOCP_NIO;
import static dev.iocp.benchmarks.compare.ComparedTransport.IO_URING;
import static dev.iocp.benchmarks.compare.ComparedTransport.NIO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {

    @Test
    void defaultsAreTheFullRun() {
        CompareOptions options = CompareOptions.parse(new String[] {"--out", "/tmp/x"});
        assertEquals(3, options.rounds());
        assertEquals(10, options.durationSeconds());
        assertEquals(3, options.warmupSeconds());
        assertEquals(List.of(Workload.values()), options.workloads());
        assertEquals(List.of(IOCP, IOCP_NIO, NIO, EPOLL, IO_URING), options.transports());
        assertEquals(10_000, options.idleConnections());
        assertEquals(Path.of("/tmp/x"), options.out());
        assertTrue(options.pin());
        assertFalse(options.quick());
    }

    @Test
    void quickShortensTheDefaultsButExplicitOptionsWin() {
        CompareOptions quick = CompareOptions.parse(new String[] {"--quick", "--out", "o"});
        assertEquals(1, quick.rounds());
        assertEquals(2, quick.durationSeconds());
        assertEquals(1, quick.warmupSeconds());

        CompareOptions explicit = CompareOptions.parse(new String[] {"--quick", "--rounds=2", "--duration", "5", "--out", "o"});
        assertEquals(2, explicit.rounds());
        assertEquals(5, explicit.durationSeconds());
    }

    @Test
    void onlyAndTransportsSelectAndHttpMeansBothHttpWorkloads() {
        CompareOptions options = CompareOptions.parse(new String[] {
            "--only", "idle,http", "--transports", "epoll,iocp", "--no-pin", "--out", "o"});
        assertEquals(List.of(Workload.KEEPALIVE, Workload.PIPELINED, Workload.IDLE), options.workloads());
        assertEquals(List.of(EPOLL, IOCP), options.transports());
        assertFalse(options.pin());
        assertTrue(options.needsWrk());
        assertFalse(CompareOptions.parse(new String[] {"--only", "echo", "--out", "o"}).needsWrk());
    }

    @Test
    void badOptionsAreClearErrors() {
        assertEquals("unknown option '--round'; options: [--duration, --idle-connections, --no-pin, --only, --out,"
                        + " --quick, --rounds, --source, --transports, --warmup]",
                assertThrows(IllegalArgumentException.class,
                        () -> CompareOptions.parse(new String[] {"--round", "3", "--out", "o"})).getMessage());
        assertEquals("--rounds 0 is outside [1, 100]", assertThrows(IllegalArgumentException.class,
                () -> CompareOptions.parse(new String[] {"--rounds", "0", "--out", "o"})).getMessage());
        assertEquals("--duration 'ten' is not a whole number", assertThrows(IllegalArgumentException.class,
                () -> CompareOptions.parse(new String[] {"--duration", "ten", "--out", "o"})).getMessage());
        assertEquals("--out is required", assertThrows(IllegalArgumentException.class,
                () -> CompareOptions.parse(new String[0])).getMessage());
        assertEquals("--rounds needs a value", assertThrows(IllegalArgumentException.class,
                () -> CompareOptions.parse(new String[] {"--out", "o", "--rounds"})).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> CompareOptions.parse(new String[] {"--only", "echo,bogus", "--out", "o"}))
                .getMessage().startsWith("unknown workload 'bogus'; allowed: http (= keepalive,pipelined)"));
        assertEquals("unknown transport 'kqueue'; allowed: iocp,iocp-nio,nio,epoll,io_uring",
                assertThrows(IllegalArgumentException.class,
                        () -> CompareOptions.parse(new String[] {"--transports", "iocp,kqueue", "--out", "o"})).getMessage());
        assertEquals("transport 'iocp' named twice in 'iocp,iocp'", assertThrows(IllegalArgumentException.class,
                () -> ComparedTransport.parseList("iocp,iocp")).getMessage());
    }

    @Test
    void aSwitchDoesNotTakeAValue() {
        assertThrows(IllegalArgumentException.class,
                () -> Flags.parse(new String[] {"--quick=yes"}, Set.of(), Set.of("--quick")));
    }

    @Test
    void transportsCarryTheirBackendFlag() {
        assertEquals(List.of("-Ddev.iocp.backend=io_uring"), IOCP.jvmFlags());
        assertEquals(List.of("-Ddev.iocp.backend=nio"), IOCP_NIO.jvmFlags());
        assertEquals(List.of(), EPOLL.jvmFlags());
        assertTrue(IO_URING.isNetty());
        assertFalse(IOCP_NIO.isNetty());
    }

    @Test
    void eachRoundStartsWithTheNextTransport() {
        List<ComparedTransport> all = List.of(IOCP, IOCP_NIO, NIO, EPOLL, IO_URING);
        assertEquals(all, Compare.order(all, 1));
        assertEquals(List.of(IOCP_NIO, NIO, EPOLL, IO_URING, IOCP), Compare.order(all, 2));
        assertEquals(all, Compare.order(all, 6));
    }

    @Test
    void theServerCommandPinsAndSelectsTheBackend() {
        ServerLauncher launcher = new ServerLauncher("/jdk/bin/java", "b.jar", List.of("taskset", "-c", "0"));
        List<String> command = launcher.command(IOCP_NIO, ServerWorkload.HTTP);
        assertEquals(List.of("taskset", "-c", "0", "/jdk/bin/java"), command.subList(0, 4));
        assertTrue(command.contains("-Ddev.iocp.backend=nio"));
        assertTrue(command.contains("-XX:MarkSweepDeadRatio=0"));
        assertEquals(List.of("-cp", "b.jar", CompareServer.class.getName(), "--transport", "iocp-nio", "--workload", "http"),
                command.subList(command.size() - 7, command.size()));
    }

    @Test
    void theOpenFileLimitIsTheSoftOne() {
        String limits = """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            20000                20000                files
                """;
        assertEquals(20_000, ProcLimits.maxOpenFiles(limits));
        assertEquals(-1, ProcLimits.maxOpenFiles("Max open files            unlimited            unlimited            files\n"));
        assertEquals(-1, ProcLimits.maxOpenFiles(""));
    }
}
