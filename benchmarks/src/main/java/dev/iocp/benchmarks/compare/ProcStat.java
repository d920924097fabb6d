package dev.iocp.benchmarks.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A process's CPU time from {@code /proc/PID/stat}: utime + stime, every thread of the process
 * (proc(5): fields 14 and 15, in clock ticks of {@code sysconf(_SC_CLK_TCK)}; 16 and 17 are the
 * same for the children it has waited for).
 */
final class ProcStat {
    /** Fields after the command's closing parenthesis start with field 3, the state. */
    private static final int FIRST_FIELD_AFTER_COMMAND = 3;
    private static final int UTIME_FIELD = 14;
    private static final int STIME_FIELD = 15;
    private static final int CUTIME_FIELD = 16;
    private static final int CSTIME_FIELD = 17;
    /** USER_HZ on every Linux architecture that matters here; used when getconf cannot be run. */
    private static final long DEFAULT_TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** utime + stime of process {@code pid}, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        return cpuTicks(read(Long.toString(pid)));
    }

    /**
     * This process's CPU time plus that of its children it has waited for (cutime, cstime): the
     * load side of a measurement, the Java load client in this process and a wrk run that ended
     * inside the interval.
     */
    static long selfAndChildrenTicks() throws IOException {
        return cpuTicksWithChildren(read("self"));
    }

    /**
     * utime + stime from the text of a {@code stat} file. The command (field 2) is in parentheses
     * and may itself hold spaces and parentheses, so the fields are counted from the last ')'.
     */
    static long cpuTicks(String stat) {
        String[] fields = fieldsAfterCommand(stat, CSTIME_FIELD);
        return field(fields, UTIME_FIELD) + field(fields, STIME_FIELD);
    }

    /** utime + stime + cutime + cstime from the text of a {@code stat} file. */
    static long cpuTicksWithChildren(String stat) {
        String[] fields = fieldsAfterCommand(stat, CSTIME_FIELD);
        return field(fields, UTIME_FIELD) + field(fields, STIME_FIELD) + field(fields, CUTIME_FIELD) + field(fields, CSTIME_FIELD);
    }

    private static String read(String process) throws IOException {
        return Files.readString(Path.of("/proc", process, "stat"), StandardCharsets.US_ASCII);
    }

    private static String[] fieldsAfterCommand(String stat, int lastFieldNeeded) {
        int commandEnd = stat.lastIndexOf(')');
        if (commandEnd < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: '" + stat + "'");
        }
        String[] fields = stat.substring(commandEnd + 1).trim().split("\\s+");
        if (fields.length <= lastFieldNeeded - FIRST_FIELD_AFTER_COMMAND) {
            throw new IllegalArgumentException("a /proc/PID/stat line with too few fields: '" + stat + "'");
        }
        return fields;
    }

    private static long field(String[] fieldsAfterCommand, int field) {
        return Long.parseLong(fieldsAfterCommand[field - FIRST_FIELD_AFTER_COMMAND]);
    }

    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 when that cannot be asked. */
    static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_TICKS_PER_SECOND;
    }
}
