package dev.iocp.port.uring;

import dev.iocp.port.CompletionPort;
import dev.iocp.port.Operation;
import dev.iocp.port.PortConfig;
import dev.iocp.port.PortSocket;
import dev.iocp.testing.RawDescriptors;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child process of {@link IoUringDescriptorReceiveEmfileTest}: a descriptor receive in a
 * process with room for fewer descriptors than the message carries. Run under a descriptor limit
 * (prlimit): it fills its own table but for {@link #ROOM} entries, so that no other test shares
 * the shortage. Prints {@code RESULT <the receive's result> OPEN <descriptors of the sent file still
 * open, the sender's own included> ADOPTED <descriptors adopted>} and exits 0, or prints the
 * failure and exits 1.
 */
public final class DescriptorReceiveOutOfDescriptors {
    /** Descriptors left free when the receive runs: fewer than the message carries. */
    static final int ROOM = 2;
    /** Descriptors in the message. */
    static final int SENT = 6;

    private DescriptorReceiveOutOfDescriptors() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createTempDirectory("emfile-descriptors");
        Path socketPath = directory.resolve("s.sock");
        Path file = directory.resolve("sent");
        List<Integer> fillers = new ArrayList<>();
        int exit = 0;
        try (CompletionPort port = IoUringBackend.INSTANCE.openPort(PortConfig.DEFAULT)) {
            PortSocket listener = IoUringBackend.INSTANCE.openSocket(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socketPath));
            listener.listen(1);
            port.register(listener, 1);
            long accept = port.submitAccept(listener);
            int client = RawDescriptors.connect(socketPath);
            PortSocket[] accepted = {null};
            while (accepted[0] == null) {
                port.dequeue((key, operation, result, flags, id) -> {
                    if (id == accept) {
                        try {
                            accepted[0] = port.adoptAccepted(listener, result); // from its completion only
                        } catch (IOException e) {
                            throw new IllegalStateException("accept: " + result, e);
                        }
                    }
                }, 16, 1_000_000_000L);
            }
            PortSocket server = accepted[0];
            port.register(server, 2);
            int sent = RawDescriptors.openFile(file);
            int[] copies = new int[SENT];
            Arrays.fill(copies, sent);
            if (RawDescriptors.sendDescriptors(client, copies) != 1) {
                throw new IllegalStateException("the raw sender could not send the message");
            }
            String target = RawDescriptors.target(sent);

            // Everything but ROOM entries of the table taken.
            try {
                for (;;) {
                    fillers.add(RawDescriptors.openFile(Path.of("/dev/null")));
                }
            } catch (IOException full) {
                for (int i = 0; i < ROOM; i++) {
                    RawDescriptors.close(fillers.removeLast());
                }
            }
            long receive = port.submitReceiveDescriptors(server);
            int[] outcome = {Integer.MIN_VALUE, -1};
            while (outcome[0] == Integer.MIN_VALUE) {
                port.dequeue((key, operation, result, flags, id) -> {
                    if (id == receive && operation == Operation.RECEIVE_DESCRIPTORS) {
                        outcome[0] = result;
                        int[] adopted = result >= 0 ? port.adoptReceivedDescriptors() : new int[0];
                        outcome[1] = adopted.length;
                        for (int fd : adopted) {
                            RawDescriptors.close(fd);
                        }
                    }
                }, 16, 1_000_000_000L);
            }
            fillers.forEach(RawDescriptors::close);
            fillers.clear();
            System.out.println("RESULT " + outcome[0] + " OPEN " + RawDescriptors.openTo(target) + " ADOPTED " + outcome[1]);
            RawDescriptors.close(sent);
            RawDescriptors.close(client);
        } catch (Throwable t) {
            fillers.forEach(RawDescriptors::close);
            System.out.println("FAILED " + t);
            t.printStackTrace(System.out);
            exit = 1;
        }
        System.exit(exit);
    }
}
