package dev.iocp.port;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CompletionPort#submitSendFile} on every backend: bytes arrive exactly, ranges are
 * honoured, the file's end, a closed file, cancellation and closing the socket mid-send behave,
 * and nothing (descriptor, pipe) is left behind. The receiving end is a plain blocking JDK socket
 * on a thread of its own, so only the sending side is under test.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class SendFileContract {
    private static final int FILE_SIZE = 5 * 1024 * 1024 + 12_345;

    @TempDir
    protected Path directory;
    protected CompletionPort port;
    protected PortDriver driver;
    protected Path file;
    protected byte[] content;

    protected abstract Backend backend();

    /** Opens a port of this backend; subclasses may size or set it up differently. */
    protected CompletionPort openPort() throws IOException {
        return backend().openPort(PortConfig.DEFAULT);
    }

    /** The file channel a send reads from; subclasses may wrap it to take another path. */
    protected FileChannel openFile(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(backend().isAvailable(),
                () -> backend().name() + " is unavailable: " + backend().unavailabilityCause().getMessage());
        content = new byte[FILE_SIZE];
        new Random(11).nextBytes(content);
        file = Files.write(directory.resolve("content.bin"), content);
        port = openPort();
        driver = new PortDriver(port);
    }

    @AfterEach
    void closePort() throws IOException {
        if (port != null) {
            port.close();
        }
    }

    @Test
    void aFileOfSeveralMebibytesArrivesByteForByte() throws Exception {
        try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
            PortSocket socket = connect(receiver);
            long sent = sendAll(socket, channel, 0, content.length);
            assertEquals(content.length, sent);
            closeSocket(socket);
            assertArrayEquals(content, receiver.received());
        }
    }

    @Test
    void rangesStartAndEndWhereAsked() throws Exception {
        // Unaligned starts, a single byte, a page exactly, more than a pipe holds, the last byte.
        long[][] ranges = {{0, 1}, {1, 4095}, {4096, 4096}, {4097, 1 << 20}, {12_345, 3 << 20},
            {content.length - 1, 1}, {777, 65_536 + 3}};
        try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
            PortSocket socket = connect(receiver);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (long[] range : ranges) {
                assertEquals(range[1], sendAll(socket, channel, range[0], range[1]), () -> Arrays.toString(range));
                expected.write(content, (int) range[0], (int) range[1]);
            }
            closeSocket(socket);
            assertArrayEquals(expected.toByteArray(), receiver.received());
        }
    }

    @Test
    void aRangePastTheEndSendsWhatThereIsThenCompletesWithZero() throws Exception {
        try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
            PortSocket socket = connect(receiver);
            long start = content.length - 10_000;
            long sent = 0;
            for (int result = -1; result != 0; sent += result) {
                result = sendOnce(socket, channel, start + sent, 1 << 20);
                int failed = result;
                assertTrue(result >= 0, () -> "send-file failed: " + Errno.describe(failed));
            }
            assertEquals(10_000, sent, "everything up to the end, then 0");
            assertEquals(0, sendOnce(socket, channel, content.length + 5, 100), "a range past the end sends nothing");
            closeSocket(socket);
            assertArrayEquals(Arrays.copyOfRange(content, (int) start, content.length), receiver.received());
        }
    }

    @Test
    void sendsOnSeveralSocketsAtOnceKeepTheirBytesApart() throws Exception {
        sendOnSeveralSocketsAtOnce(6);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsTaken() throws Exception {
        try (Receiver receiver = new Receiver()) {
            PortSocket socket = connect(receiver);
            FileChannel closed = openFile(file);
            closed.close();
            try (FileChannel channel = openFile(file)) {
                assertRefused("closed file channel", () -> port.submitSendFile(socket, closed, 0, 10));
                assertRefused("must not be negative", () -> port.submitSendFile(socket, channel, -1, 10));
                assertRefused("1 or more bytes", () -> port.submitSendFile(socket, channel, 0, 0));
                assertRefused("overflows", () -> port.submitSendFile(socket, channel, Long.MAX_VALUE - 5, 10));
                assertThrows(NullPointerException.class, () -> port.submitSendFile(socket, null, 0, 10));
            }
            assertEquals(0, port.pendingOperations(), "refused submissions leave nothing in flight");
            closeSocket(socket);
        }
    }

    @Test
    void aFileClosedRightAfterTheSubmissionIsSentOrFailsWithEbadf() throws Exception {
        try (Receiver receiver = new Receiver()) {
            PortSocket socket = connect(receiver);
            FileChannel channel = openFile(file);
            long id = port.submitSendFile(socket, channel, 0, 1 << 20);
            channel.close();
            int result = driver.await(c -> c.id() == id, "the send-file").result();
            // io_uring holds the file through its own descriptor (or has moved the pages already);
            // nio reads the file when the socket is writable, which may be after the close.
            assertTrue(result > 0 || result == -Errno.EBADF, () -> Errno.describe(result));
            closeSocket(socket);
            byte[] received = receiver.received();
            assertArrayEquals(Arrays.copyOf(content, received.length), received);
        }
    }

    @Test
    void aCancelledSendFileCompletesOnceAndTheSocketStaysUsable() throws Exception {
        try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
            receiver.pause();
            PortSocket socket = connect(receiver);
            long filled = fillSendBuffer(socket);
            long id = port.submitSendFile(socket, channel, 0, 1 << 20);
            port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 16, 0);
            long cancel = port.submitCancel(socket, id);
            List<Completion> all = driver.awaitUntil(seen -> has(seen, id) && has(seen, cancel), "the send-file and its cancel");
            Completion sendFile = find(all, id);
            assertEquals(Operation.SEND_FILE, sendFile.operation());
            int result = sendFile.result();
            assertTrue(result == -Errno.ECANCELED || result > 0, () -> Errno.describe(result));
            int cancelResult = find(all, cancel).result();
            assertTrue(cancelResult >= 0 || cancelResult == -Errno.EALREADY || cancelResult == -Errno.ENOENT,
                    () -> Errno.describe(cancelResult));
            // The stream goes on where the cancelled send left it, with no stray byte in between.
            long sent = Math.max(result, 0);
            receiver.resume();
            sent += sendAll(socket, channel, sent, content.length - sent);
            closeSocket(socket);
            byte[] received = receiver.received();
            assertEquals(filled + content.length, received.length);
            assertArrayEquals(content, Arrays.copyOfRange(received, (int) filled, received.length));
        }
    }

    @Test
    void closingTheSocketWithASendFileInFlightLeavesNoDescriptorBehind() throws Exception {
        try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
            PortSocket warmUp = connect(receiver); // so that what the JDK opens once is open before counting
            assertEquals(content.length, sendAll(warmUp, channel, 0, content.length));
            closeSocket(warmUp);
            receiver.received();
        }
        port.close();
        long before = openDescriptors();
        port = openPort();
        driver = new PortDriver(port);
        for (int round = 0; round < 3; round++) {
            try (Receiver receiver = new Receiver(); FileChannel channel = openFile(file)) {
                receiver.pause();
                PortSocket socket = connect(receiver);
                fillSendBuffer(socket);
                long[] ids = {port.submitSendFile(socket, channel, 0, 1 << 20), 0};
                port.dequeue((k, o, r, f, i) -> driver.seen().add(new Completion(k, o, r, f, i)), 16, 0);
                ids[1] = port.submitClose(socket);
                List<Completion> all = driver.awaitUntil(seen -> has(seen, ids[1]), "the close");
                assertTrue(has(all, ids[0]), "the send-file completed before its socket's close: " + all);
                int result = find(all, ids[0]).result();
                assertTrue(result == -Errno.ECANCELED || result > 0, () -> Errno.describe(result));
                assertEquals(0, port.pendingOperations());
                receiver.resume();
                receiver.received(); // its end of the connection is closed too
            }
        }
        port.close();
        port = null;
        assertEquals(before, openDescriptors(), "the port closed every pipe, duplicate and socket it opened");
    }

    // ---- helpers --------------------------------------------------------------------------

    /**
     * Sends the file on {@code count} sockets at once, each from its own offset, one send-file in
     * flight per socket and all of them in flight together, and checks what each receiver got.
     */
    protected void sendOnSeveralSocketsAtOnce(int count) throws Exception {
        Receiver[] receivers = new Receiver[count];
        PortSocket[] sockets = new PortSocket[count];
        long[] offsets = new long[count];
        long[] sent = new long[count];
        long[] inFlight = new long[count];
        try (FileChannel channel = openFile(file)) {
            for (int i = 0; i < count; i++) {
                receivers[i] = new Receiver();
                sockets[i] = connect(receivers[i]);
                offsets[i] = i * 100_003L;
            }
            int done = 0;
            for (int i = 0; i < count; i++) {
                inFlight[i] = port.submitSendFile(sockets[i], channel, offsets[i], 1 << 20);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done < count) {
                assertTrue(System.nanoTime() < deadline, () -> "stalled: sent " + Arrays.toString(sent));
                List<Completion> batch = new java.util.ArrayList<>();
                port.dequeue((k, o, r, f, id) -> batch.add(new Completion(k, o, r, f, id)), 64,
                        TimeUnit.MILLISECONDS.toNanos(100));
                for (Completion c : batch) {
                    if (c.operation() == Operation.CLOSE) {
                        continue;
                    }
                    int i = indexOf(inFlight, c.id());
                    assertTrue(i >= 0 && c.result() > 0, c::toString);
                    sent[i] += c.result();
                    long left = content.length - offsets[i] - sent[i];
                    if (left > 0) {
                        inFlight[i] = port.submitSendFile(sockets[i], channel, offsets[i] + sent[i], 1 << 20);
                    } else {
                        inFlight[i] = 0;
                        port.submitClose(sockets[i]);
                        done++;
                    }
                }
            }
            driver.awaitUntil(seen -> port.pendingOperations() == 0, "the closes");
            for (int i = 0; i < count; i++) {
                byte[] received = receivers[i].received();
                assertArrayEquals(Arrays.copyOfRange(content, (int) offsets[i], content.length), received,
                        "socket " + i);
            }
        } finally {
            for (Receiver receiver : receivers) {
                if (receiver != null) {
                    receiver.close();
                }
            }
        }
    }

    private static int indexOf(long[] ids, long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Submits one send-file and waits for it; returns its result. */
    protected int sendOnce(PortSocket socket, FileChannel channel, long position, int count) throws IOException {
        long id = port.submitSendFile(socket, channel, position, count);
        Completion done = driver.await(c -> c.id() == id, "send-file " + count + " bytes from " + position);
        assertEquals(Operation.SEND_FILE, done.operation());
        assertEquals(1, done.key());
        return done.result();
    }

    /** Sends {@code count} bytes from {@code position}, one send-file after another; returns the total. */
    protected long sendAll(PortSocket socket, FileChannel channel, long position, long count) throws IOException {
        long sent = 0;
        while (sent < count) {
            int result = sendOnce(socket, channel, position + sent, (int) Math.min(count - sent, Integer.MAX_VALUE));
            assertTrue(result > 0, () -> "send-file at " + position + ": " + Errno.describe(result));
            sent += result;
        }
        return sent;
    }

    /** Sends from memory until the socket takes no more (the receiver must be paused). */
    private long fillSendBuffer(PortSocket socket) throws IOException {
        long id = port.submitSend(socket, ByteBuffer.allocateDirect(32 << 20));
        int result = driver.await(c -> c.id() == id, "the send that fills the buffers").result();
        assertTrue(result > 0 && result < 32 << 20, () -> "a paused peer takes part of 32 MiB: " + result);
        return result;
    }

    /** A port socket (key 1) connected to the receiver. */
    protected PortSocket connect(Receiver receiver) throws IOException {
        PortSocket socket = backend().openSocket(StandardProtocolFamily.INET);
        socket.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
        port.register(socket, 1);
        long id = port.submitConnect(socket, receiver.address());
        int result = driver.await(c -> c.id() == id, "connect").result();
        assertEquals(0, result, () -> Errno.describe(result));
        return socket;
    }

    protected void closeSocket(PortSocket socket) throws IOException {
        long id = port.submitClose(socket);
        driver.await(c -> c.id() == id, "close");
    }

    private void assertRefused(String inMessage, org.junit.jupiter.api.function.Executable submit) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, submit);
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    private static boolean has(List<Completion> all, long id) {
        return all.stream().anyMatch(c -> c.id() == id);
    }

    private static Completion find(List<Completion> all, long id) {
        return all.stream().filter(c -> c.id() == id).findFirst().orElseThrow();
    }

    protected static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * One connection accepted by a blocking JDK server socket and read to its end on a thread of
     * its own, which can be paused so that the sender's buffers fill.
     */
    protected static final class Receiver implements AutoCloseable {
        private final ServerSocketChannel server;
        private final CompletableFuture<byte[]> received = new CompletableFuture<>();
        private final Object lock = new Object();
        private boolean paused;

        Receiver() throws IOException {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024); // inherited by the accepted socket
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofPlatform().daemon().start(this::receive);
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) server.getLocalAddress();
        }

        /** Stops reading (before the connection is made, or between reads). */
        void pause() {
            synchronized (lock) {
                paused = true;
            }
        }

        void resume() {
            synchronized (lock) {
                paused = false;
                lock.notifyAll();
            }
        }

        /** Everything the connection carried, once the sender has closed it. */
        byte[] received() throws Exception {
            return received.get(60, TimeUnit.SECONDS);
        }

        private void receive() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try (SocketChannel connection = server.accept(); InputStream in = connection.socket().getInputStream()) {
                byte[] chunk = new byte[64 * 1024];
                int n;
                do {
                    synchronized (lock) {
                        while (paused) {
                            lock.wait();
                        }
                    }
                    n = in.read(chunk);
                    if (n > 0) {
                        all.write(chunk, 0, n);
                    }
                } while (n >= 0);
            } catch (Throwable t) {
                received.completeExceptionally(t);
                return;
            }
            received.complete(all.toByteArray()); // after the connection is closed
        }

        @Override
        public void close() throws IOException {
            resume();
            server.close();
        }
    }
}
