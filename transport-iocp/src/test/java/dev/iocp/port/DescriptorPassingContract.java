package dev.iocp.port;

import dev.iocp.port.internal.SubmissionChecks;
import dev.iocp.testing.RawDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Descriptor passing over Unix-domain stream sockets ({@link CompletionPort#submitSendDescriptors},
 * {@link CompletionPort#submitReceiveDescriptors}) as every backend must show it: where the port
 * {@linkplain CompletionPort#passesDescriptors() passes descriptors}, what arrives refers to what
 * was sent, in order, in its place in the byte stream, and a descriptor nobody adopts is closed;
 * where it does not, both submissions are refused and hold nothing. A backend's test extends this.
 */
public abstract class DescriptorPassingContract extends PortFixture {
    private static final StandardProtocolFamily UNIX = StandardProtocolFamily.UNIX;

    @TempDir
    protected Path directory;

    private int pairs;

    /** A connected Unix-domain pair: client key 1, server key 2. */
    protected Pair unixPair() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("pass-" + pairs++ + ".sock"));
        PortSocket listener = backend().openSocket(UNIX);
        listener.bind(address);
        listener.listen(4);
        port.register(listener, 0);
        Pair pair = connect(listener, UNIX, address);
        listener.close();
        return pair;
    }

    /** A connected Unix-domain pair, where the port passes descriptors (else the test is skipped). */
    protected Pair passingPair() throws IOException {
        assumeTrue(port.passesDescriptors(), "this port passes no descriptors");
        return unixPair();
    }

    /** A new file in the test's directory, opened; the caller closes the descriptor. */
    protected int openFile(String name) throws IOException {
        return RawDescriptors.openFile(directory.resolve(name));
    }

    /** {@code count} new files, opened: {@code prefix0}, {@code prefix1}, ... */
    protected int[] openFiles(String prefix, int count) throws IOException {
        int[] descriptors = new int[count];
        for (int i = 0; i < count; i++) {
            descriptors[i] = openFile(prefix + i);
        }
        return descriptors;
    }

    protected static void closeAll(int... descriptors) {
        for (int fd : descriptors) {
            RawDescriptors.close(fd);
        }
    }

    /** A descriptor receive's completion and the descriptors it adopted (null: it adopted none). */
    protected record Received(int result, int[] descriptors) {
    }

    /** Receives one message on {@code socket}, adopting its descriptors when {@code adopt}. */
    protected Received receive(PortSocket socket, boolean adopt) throws IOException {
        long id = port.submitReceiveDescriptors(socket);
        Received[] received = new Received[1];
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (received[0] == null && System.nanoTime() < deadline) {
            port.dequeue((key, operation, result, flags, operationId) -> {
                if (operationId == id) {
                    assertEquals(Operation.RECEIVE_DESCRIPTORS, operation);
                    received[0] = new Received(result, adopt && result > 0 ? port.adoptReceivedDescriptors() : null);
                }
            }, 16, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertTrue(received[0] != null, "the descriptor receive completed");
        return received[0];
    }

    protected void sendDescriptors(PortSocket socket, int... descriptors) throws IOException {
        long id = port.submitSendDescriptors(socket, descriptors);
        Completion sent = driver.await(c -> c.id() == id, "the descriptor send");
        assertEquals(Operation.SEND_DESCRIPTORS, sent.operation());
        assertEquals(1, sent.result(), () -> "sent " + Errno.describe(sent.result()));
    }

    private void sendBytes(PortSocket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long id = port.submitSend(socket, ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
        assertEquals(bytes.length, driver.await(c -> c.id() == id, "the send").result());
    }

    private String receiveBytes(PortSocket socket, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        long id = port.submitReceive(socket, buffer);
        int result = driver.await(c -> c.id() == id, "the receive").result();
        assertEquals(length, result, () -> "received " + Errno.describe(result));
        return StandardCharsets.UTF_8.decode(buffer.limit(result)).toString();
    }

    // ---- ports that pass descriptors ----------------------------------------------------

    @Test
    void aDescriptorArrivesAsANewDescriptorOfTheSameFile() throws IOException {
        Pair pair = passingPair();
        int sent = openFile("shared.txt");
        try {
            sendDescriptors(pair.client(), sent);
            Received received = receive(pair.server(), true);
            assertEquals(1, received.result(), "the one data byte that carried it");
            assertEquals(1, received.descriptors().length);
            int fd = received.descriptors()[0];
            assertNotEquals(sent, fd, "a new descriptor in this process");
            assertEquals(RawDescriptors.target(sent), RawDescriptors.target(fd));
            RawDescriptors.write(fd, "written through the received descriptor");
            assertEquals("written through the received descriptor",
                    Files.readString(directory.resolve("shared.txt")));
            backend().closeDescriptor(fd);
            assertFalse(RawDescriptors.isOpen(fd));
            assertTrue(RawDescriptors.isOpen(sent), "the sender's descriptor stays the sender's");
        } finally {
            RawDescriptors.close(sent);
        }
    }

    @Test
    void severalDescriptorsInOneMessageArriveInTheirOrder() throws IOException {
        Pair pair = passingPair();
        int max = SubmissionChecks.MAX_PASSED_DESCRIPTORS;
        int[] sent = openFiles("file-", max);
        try {
            sendDescriptors(pair.client(), sent);
            int[] received = receive(pair.server(), true).descriptors();
            assertEquals(max, received.length);
            for (int i = 0; i < max; i++) {
                assertEquals(RawDescriptors.target(sent[i]), RawDescriptors.target(received[i]), "descriptor " + i);
                backend().closeDescriptor(received[i]);
            }
        } finally {
            closeAll(sent);
        }
    }

    @Test
    void aDescriptorKeepsItsPlaceInTheByteStream() throws IOException {
        Pair pair = passingPair();
        int sent = openFile("between.txt");
        try {
            sendBytes(pair.client(), "ab");
            sendDescriptors(pair.client(), sent);
            sendBytes(pair.client(), "cd");
            assertEquals("ab", receiveBytes(pair.server(), 2));
            Received received = receive(pair.server(), true);
            assertEquals(1, received.result(), "only the carrying byte: the receive stops after the message");
            assertEquals(RawDescriptors.target(sent), RawDescriptors.target(received.descriptors()[0]));
            backend().closeDescriptor(received.descriptors()[0]);
            assertEquals("cd", receiveBytes(pair.server(), 2));
        } finally {
            RawDescriptors.close(sent);
        }
    }

    @Test
    void descriptorsTheHandlerDoesNotAdoptAreClosedByThePort() throws IOException {
        Pair pair = passingPair();
        int[] sent = openFiles("dropped-", 2);
        long before = RawDescriptors.openCount();
        for (int round = 0; round < 20; round++) {
            sendDescriptors(pair.client(), sent);
            Received received = receive(pair.server(), false);
            assertEquals(1, received.result());
        }
        assertEquals(before, RawDescriptors.openCount(), "no descriptor left open by 20 receives nobody adopted");
        closeAll(sent);
    }

    @Test
    void descriptorsAreAdoptedOnceAndOnlyFromTheirCompletion() throws IOException {
        assumeTrue(port.passesDescriptors(), "this port passes no descriptors");
        assertThrows(IllegalStateException.class, port::adoptReceivedDescriptors, "no completion is being handled");
        Pair pair = unixPair();
        int sent = openFile("once");
        sendDescriptors(pair.client(), sent);
        long id = port.submitReceiveDescriptors(pair.server());
        List<Throwable> second = new ArrayList<>();
        int[][] adopted = new int[1][];
        driver.await(c -> c.id() == id, "the receive"); // dequeued without adopting: closed
        assertEquals(1, RawDescriptors.openTo(RawDescriptors.target(sent)),
                "only the sender's descriptor of the file is open: the one received and not adopted was closed");
        sendDescriptors(pair.client(), sent);
        long next = port.submitReceiveDescriptors(pair.server());
        while (adopted[0] == null) {
            port.dequeue((key, operation, result, flags, operationId) -> {
                if (operationId == next) {
                    adopted[0] = port.adoptReceivedDescriptors();
                    second.add(assertThrows(IllegalStateException.class, port::adoptReceivedDescriptors));
                }
            }, 16, java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        }
        assertEquals(1, adopted[0].length);
        assertEquals(1, second.size());
        assertTrue(RawDescriptors.isOpen(adopted[0][0]), "adopted: the port does not close it");
        backend().closeDescriptor(adopted[0][0]);
        RawDescriptors.close(sent);
    }

    /**
     * Epoll code closes a descriptor once its write returns ({@code sendFd} is synchronous); the
     * kernel reads a SENDMSG's descriptors only when it runs, so the port sends a duplicate.
     */
    @Test
    void aDescriptorClosedAsSoonAsItsSendIsSubmittedStillArrives() throws IOException {
        Pair pair = passingPair();
        int sent = openFile("closed-at-once.txt");
        String target = RawDescriptors.target(sent);
        long id = port.submitSendDescriptors(pair.client(), sent);
        RawDescriptors.close(sent); // before any io_uring_enter
        int reused = openFile("reused.txt"); // takes the freed number: a send that read it late would carry this
        try {
            assertEquals(1, driver.await(c -> c.id() == id, "the descriptor send").result());
            Received received = receive(pair.server(), true);
            assertEquals(1, received.descriptors().length);
            assertEquals(target, RawDescriptors.target(received.descriptors()[0]), "the file written, not the reuse");
            backend().closeDescriptor(received.descriptors()[0]);
        } finally {
            RawDescriptors.close(reused);
        }
    }

    @Test
    void aDescriptorNotOpenIsRefusedAtSubmissionAndNothingIsLeftOpen() throws IOException {
        Pair pair = passingPair();
        int open = openFile("open");
        int closed = RawDescriptors.notOpen();
        assertMessage(IllegalArgumentException.class, "descriptor " + closed + " is not open (EBADF)",
                () -> port.submitSendDescriptors(pair.client(), open, closed));
        assertEquals(1, RawDescriptors.openTo(RawDescriptors.target(open)), "the duplicate made of the open one was closed");
        assertEquals(0, pair.client().pendingOperations(), "nothing submitted");
        sendDescriptors(pair.client(), open); // the socket goes on
        Received received = receive(pair.server(), true);
        assertEquals(RawDescriptors.target(open), RawDescriptors.target(received.descriptors()[0]));
        backend().closeDescriptor(received.descriptors()[0]);
        RawDescriptors.close(open);
    }

    /**
     * The duplicates a send carries are closed when it completes: sent, and cancelled by its
     * socket's close while it waits for room in a full send buffer.
     */
    @Test
    void theDuplicatesASendCarriesAreClosedWhenItCompletesHoweverItDoes() throws IOException {
        Pair pair = passingPair();
        int[] sent = openFiles("carried-", 2);
        sendDescriptors(pair.client(), sent);
        assertOnlyTheCallersAreOpen(sent, "closed once sent (the message holds the files, not descriptors)");

        pair.client().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
        long fill = port.submitSend(pair.client(), ByteBuffer.allocateDirect(1 << 20)); // takes what fits, no more
        assertTrue(driver.await(c -> c.id() == fill, "the send that fills the buffer").result() > 0);
        long waiting = port.submitSendDescriptors(pair.client(), sent); // no room: it waits
        long close = port.submitClose(pair.client());
        List<Completion> seen = driver.awaitUntil(all -> all.stream().anyMatch(c -> c.id() == close), "the close");
        Completion cancelled = seen.stream().filter(c -> c.id() == waiting).findFirst().orElseThrow();
        assertEquals(-Errno.ECANCELED, cancelled.result(), () -> "in flight at the close: " + Errno.describe(cancelled.result()));
        assertOnlyTheCallersAreOpen(sent, "the cancelled send's duplicates were closed");
        closeAll(sent);
    }

    /** Of each file, only the caller's descriptor is open (counted by what they refer to, not in all). */
    private static void assertOnlyTheCallersAreOpen(int[] descriptors, String message) throws IOException {
        for (int fd : descriptors) {
            assertEquals(1, RawDescriptors.openTo(RawDescriptors.target(fd)), message);
        }
    }

    /**
     * A receive that takes descriptors as its socket closes (submitted with the close, after the
     * peer has sent them), and one in flight when the port closes: none of those descriptors
     * stays open.
     */
    @Test
    void aReceiveTakingDescriptorsAsItsSocketOrItsPortClosesLeavesNoneOpen() throws IOException {
        Pair pair = passingPair();
        int[] sent = openFiles("closing-", 3);
        sendDescriptors(pair.client(), sent);
        long id = port.submitReceiveDescriptors(pair.server());
        long close = port.submitClose(pair.server());
        List<Completion> seen = driver.awaitUntil(all -> all.stream().anyMatch(c -> c.id() == close), "the close");
        int result = seen.stream().filter(c -> c.id() == id).findFirst().orElseThrow().result();
        assertTrue(result == 1 || result == -Errno.ECANCELED, () -> Errno.describe(result));
        assertOnlyTheCallersAreOpen(sent, "only the sender's (the receive took " + result + ")");

        Pair second = unixPair();
        sendDescriptors(second.client(), sent);
        port.submitReceiveDescriptors(second.server()); // not dequeued: in flight, or done and unseen, at the close
        port.close();
        assertOnlyTheCallersAreOpen(sent, "only the sender's, after the port's drain");
        closeAll(sent);
    }

    @Test
    void theEndOfInputIsZeroWithNoDescriptors() throws IOException {
        Pair pair = passingPair();
        pair.client().shutdown(ShutdownMode.OUTPUT);
        Received received = receive(pair.server(), false);
        assertEquals(0, received.result());
    }

    @Test
    void aReceiveInFlightWhenItsSocketClosesCompletesCancelled() throws IOException {
        Pair pair = passingPair();
        long id = port.submitReceiveDescriptors(pair.server());
        long close = port.submitClose(pair.server());
        List<Completion> seen = driver.awaitUntil(all -> all.stream().anyMatch(c -> c.id() == close), "the close");
        Completion receive = seen.stream().filter(c -> c.id() == id).findFirst().orElseThrow();
        assertEquals(-Errno.ECANCELED, receive.result());
        assertTrue(seen.indexOf(receive) < seen.indexOf(seen.stream().filter(c -> c.id() == close).findFirst()
                .orElseThrow()), "the close completes after what it cancelled");
    }

    @Test
    void argumentsAreCheckedBeforeAnythingIsSubmitted() throws IOException {
        Pair pair = passingPair();
        PortSocket tcp = open(StandardProtocolFamily.INET, 3);
        DatagramPortSocket udp = backend().openDatagramSocket(StandardProtocolFamily.INET);
        port.register(udp, 4);
        int fd = openFile("checked");
        try {
            assertMessage(IllegalArgumentException.class, "descriptors pass over Unix-domain stream sockets only",
                    () -> port.submitSendDescriptors(tcp, fd));
            assertMessage(IllegalArgumentException.class, "descriptors pass over Unix-domain stream sockets only",
                    () -> port.submitReceiveDescriptors(tcp));
            assertMessage(IllegalArgumentException.class, "descriptors pass over Unix-domain stream sockets only",
                    () -> port.submitSendDescriptors(udp, fd));
            assertMessage(IllegalArgumentException.class, "not a descriptor: -1",
                    () -> port.submitSendDescriptors(pair.client(), fd, -1));
            assertMessage(IllegalArgumentException.class, "a message carries 1 to 8 descriptors, not 0",
                    () -> port.submitSendDescriptors(pair.client()));
            assertMessage(IllegalArgumentException.class, "a message carries 1 to 8 descriptors, not 9",
                    () -> port.submitSendDescriptors(pair.client(), new int[9]));
            assertThrows(NullPointerException.class, () -> port.submitSendDescriptors(pair.client(), (int[]) null));
            long stream = port.submitReceiveStream(pair.server());
            assertMessage(IllegalStateException.class, "has a stream receive in flight",
                    () -> port.submitReceiveDescriptors(pair.server()));
            assertEquals(1, pair.server().pendingOperations(), "only the stream receive");
            assertEquals(0, pair.client().pendingOperations());
            assertEquals(0, tcp.pendingOperations());
            port.submitCancel(pair.server(), stream);
        } finally {
            RawDescriptors.close(fd);
        }
    }

    private static void assertMessage(Class<? extends Throwable> type, String start,
                                      org.junit.jupiter.api.function.Executable call) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(start), e.getMessage());
    }

    // ---- ports that do not --------------------------------------------------------------

    @Test
    void aPortThatPassesNoDescriptorsRefusesBothSubmissions() throws IOException {
        assumeFalse(port.passesDescriptors(), "this port passes descriptors");
        assertFalse(backend().passesDescriptors());
        Pair pair = unixPair();
        for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> port.submitSendDescriptors(pair.client(), 0),
                () -> port.submitReceiveDescriptors(pair.server()))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, call);
            assertTrue(e.getMessage().startsWith("passing descriptors (SCM_RIGHTS) needs the io_uring backend"),
                    e.getMessage());
        }
        assertThrows(IllegalStateException.class, port::adoptReceivedDescriptors);
        assertThrows(UnsupportedOperationException.class, () -> backend().closeDescriptor(0));
        assertEquals(0, pair.client().pendingOperations());
        assertEquals(0, pair.server().pendingOperations());
    }
}
