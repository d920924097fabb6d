package dev.iocp.channel.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain {@link Socket} clients run on a few threads, bounded in time: when the limit passes,
 * every socket still open is closed (which ends any blocked read or write) and the tasks that
 * had not finished are reported.
 */
public final class Clients implements AutoCloseable {

    /** One client's work. */
    @FunctionalInterface
    public interface Task {
        void run(int index) throws Exception;
    }

    /** How a run went. */
    public record Outcome(int tasks, int finished, int failedCount, List<String> failures, boolean timedOut) {
        /** Every task ran to its end without an exception, in time. */
        public boolean allFinished() {
            return finished == tasks && !timedOut;
        }

        @Override
        public String toString() {
            return finished + "/" + tasks + " tasks succeeded" + (timedOut ? " (timed out)" : "") + ", "
                    + failedCount + " failed" + (failures.isEmpty() ? "" : ": " + String.join("; ", failures));
        }
    }

    private final ExecutorService pool;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    public Clients(int threads) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A connected socket, closed by the watchdog if a run's limit passes. */
    public Socket connect(InetSocketAddress address) throws IOException {
        return connect(address, null);
    }

    /** Like {@link #connect(InetSocketAddress)}, from the given local address (any port) unless null. */
    public Socket connect(InetSocketAddress address, java.net.InetAddress from) throws IOException {
        Socket socket = new Socket();
        open.add(socket);
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(address, 5_000);
        } catch (IOException e) {
            close(socket);
            throw e;
        }
        return socket;
    }

    /** Closes with SO_LINGER 0, so the peer gets a reset. */
    public void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        close(socket);
    }

    public void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Runs {@code tasks} tasks on the pool and waits for them, at most {@code limit}. */
    public Outcome run(int tasks, Duration limit, Task task) throws InterruptedException {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(tasks);
        long deadline = System.nanoTime() + limit.toNanos();
        for (int i = 0; i < tasks; i++) {
            int index = i;
            pool.execute(() -> {
                try {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("not started before the time limit");
                    }
                    task.run(index);
                    finished.incrementAndGet();
                } catch (Throwable t) {
                    if (failed.getAndIncrement() < 8) {
                        failures.add("#" + index + ": " + t);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        boolean inTime = done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!inTime) {
            for (Socket socket : List.copyOf(open)) {
                close(socket);
            }
            done.await(5, TimeUnit.SECONDS);
        }
        return new Outcome(tasks, finished.get(), failed.get(), new ArrayList<>(failures), !inTime);
    }

    /** Sockets connected and not yet closed. */
    public int openSockets() {
        return open.size();
    }

    @Override
    public void close() {
        for (Socket socket : List.copyOf(open)) {
            close(socket);
        }
        pool.shutdownNow();
    }
}
