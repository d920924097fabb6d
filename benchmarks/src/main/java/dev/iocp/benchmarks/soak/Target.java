package dev.iocp.benchmarks.soak;

import java.net.InetSocketAddress;

/** The soak server's two ports. */
record Target(InetSocketAddress echo, InetSocketAddress http) {
}
