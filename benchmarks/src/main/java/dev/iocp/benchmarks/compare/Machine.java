package dev.iocp.benchmarks.compare;

import io.netty.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the report says about the machine and software a run was made on. */
final class Machine {
    private Machine() {
    }

    static List<String> describe(String source) {
        List<String> lines = new ArrayList<>();
        lines.add("machine: " + cpuModel() + ", " + cpuCount() + " CPUs; kernel " + System.getProperty("os.version")
                + "; load average at start " + loadAverage());
        lines.add("JDK: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + "; Netty " + nettyVersion() + "; measured source: " + source);
        return lines;
    }

    /** The 1-, 5- and 15-minute load averages: a busy machine shows here first. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown CPU";
    }

    /** CPUs of the machine, not of this process (which the script pins to one). */
    private static long cpuCount() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static String nettyVersion() {
        Version transport = Version.identify().get("netty-transport");
        return transport == null ? "unknown" : transport.artifactVersion();
    }
}
