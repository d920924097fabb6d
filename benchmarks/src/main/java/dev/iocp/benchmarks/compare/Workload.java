package dev.iocp.benchmarks.compare;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The workloads of the comparison, as {@code --only} names them. Each runs against a server of one
 * {@link ServerRun}: the HTTP ones share an HTTP server, echo, bulk and ping-pong an echo server,
 * and the idle connections get a server of their own, so their memory deltas start from a server
 * that has served nothing bigger than 64 B.
 */
enum Workload {
    /** wrk -t1 -c64, one request per connection at a time. */
    KEEPALIVE(ServerRun.HTTP),
    /** wrk -t1 -c64 with a Lua script that sends 16 requests per batch. */
    PIPELINED(ServerRun.HTTP),
    /** 256 connections, each writing 64 B and waiting for them to come back. */
    ECHO(ServerRun.ECHO),
    /** One connection streaming 64 KiB writes that are echoed back. */
    BULK(ServerRun.ECHO),
    /** One connection, one 64 B message at a time: the round-trip latency. */
    PINGPONG(ServerRun.ECHO),
    /** 10 000 connections that each made one echo round trip, then idle; then all closed. */
    IDLE(ServerRun.IDLE);

    /** The server start a workload runs in. */
    enum ServerRun {
        HTTP(ServerWorkload.HTTP), ECHO(ServerWorkload.ECHO), IDLE(ServerWorkload.ECHO);

        private final ServerWorkload serverWorkload;

        ServerRun(ServerWorkload serverWorkload) {
            this.serverWorkload = serverWorkload;
        }

        ServerWorkload serverWorkload() {
            return serverWorkload;
        }
    }

    private final ServerRun serverRun;

    Workload(ServerRun serverRun) {
        this.serverRun = serverRun;
    }

    ServerRun serverRun() {
        return serverRun;
    }

    String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The workloads a comma-separated {@code --only} list names; {@code http} stands for both HTTP
     * workloads. The error lists the names allowed.
     */
    static Set<Workload> parseList(String names) {
        EnumSet<Workload> workloads = EnumSet.noneOf(Workload.class);
        for (String raw : names.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("http")) {
                workloads.add(KEEPALIVE);
                workloads.add(PIPELINED);
                continue;
            }
            Workload match = null;
            for (Workload workload : values()) {
                if (workload.cliName().equals(name)) {
                    match = workload;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("unknown workload '" + raw.trim() + "'; allowed: "
                        + "http (= keepalive,pipelined), keepalive, pipelined, echo, bulk, pingpong, idle");
            }
            workloads.add(match);
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("--only names no workload");
        }
        return workloads;
    }
}
