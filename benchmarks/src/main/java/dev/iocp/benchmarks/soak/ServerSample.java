package dev.iocp.benchmarks.soak;

import io.netty.buffer.PooledByteBufAllocator;

/**
 * One status line of the soak server: what it holds (memory, descriptors, connections) and what
 * went wrong so far. Printed as {@code key=value} pairs so a person can read it and
 * {@code soak.sh} can parse it with awk.
 *
 * @param phase            {@code load} while clients run, {@code drain} while the server waits for
 *                         the last connections to go
 * @param rssKib           resident memory of the process
 * @param fds              open descriptors of the process
 * @param live             child channels not closed yet
 * @param unexpected       exceptions at a pipeline's end that no killed client explains
 * @param resets           resets and broken pipes at a pipeline's end: clients killed mid-transfer
 * @param truncated        HTTP requests cut short by a client going away
 * @param warnings         warnings and errors Netty or the transport logged
 * @param pooledDirectKib  direct memory the pooled allocator has handed out and not had back
 */
record ServerSample(String phase, long elapsedSeconds, long rssKib, int fds, int live, long accepted,
                    long leaks, long unexpected, long resets, long truncated, long warnings,
                    long pooledDirectKib) {

    static ServerSample take(String phase, long elapsedSeconds, ConnectionTally connections, ExceptionTally exceptions) {
        return new ServerSample(phase, elapsedSeconds, ProcessProbe.rssKib(), ProcessProbe.openDescriptors(),
                connections.live(), connections.accepted(), LeakCounter.reports(), exceptions.unexpected(),
                exceptions.resets(), exceptions.truncated(), WarningCounter.warnings(),
                PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() / 1024);
    }

    String line() {
        return "soak-status phase=" + phase + " t_s=" + elapsedSeconds + " rss_kib=" + rssKib + " fds=" + fds
                + " live=" + live + " accepted=" + accepted + " leaks=" + leaks + " unexpected=" + unexpected
                + " resets=" + resets + " truncated=" + truncated + " warnings=" + warnings + " pooled_direct_kib=" + pooledDirectKib;
    }
}
