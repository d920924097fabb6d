package dev.iocp.benchmarks.compare;

import java.util.Locale;

/**
 * What a {@link CompareServer} serves: the echo workloads (many connections, bulk, ping-pong,
 * idle connections) share one server shape, the HTTP workloads another.
 */
public enum ServerWorkload {
    /** Writes back every byte it reads, with backpressure ({@link EchoHandler}). */
    ECHO,
    /** HTTP/1.1 hello world with keep-alive and pipelining ({@link HttpHelloHandler}). */
    HTTP;

    /** The name on the server's command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The workload a command-line name means. */
    public static ServerWorkload parse(String name) {
        for (ServerWorkload workload : values()) {
            if (workload.cliName().equals(name)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown server workload '" + name + "'; allowed: echo, http");
    }
}
