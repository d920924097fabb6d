package dev.iocp.port.uring;

import dev.iocp.port.uring.sys.Syscalls;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Connections accepted in the current dequeue and not yet adopted: each descriptor with the
 * peer address its accept returned. A connection the handler does not
 * {@linkplain IoUringPort#adoptAccepted adopt} by the end of the dequeue is closed, so that
 * declining one leaks nothing.
 *
 * <p>The address is kept because it cannot always be asked for later: a connection reset
 * while it waited in the accept queue is still returned by accept, with its address, but
 * {@code getpeername} on it then fails with ENOTCONN.
 */
final class UnadoptedAccepts {
    private int[] descriptors = new int[8];
    private InetSocketAddress[] peers = new InetSocketAddress[8];
    private int count;

    void add(int fd, InetSocketAddress peer) {
        if (count == descriptors.length) {
            descriptors = Arrays.copyOf(descriptors, count * 2);
            peers = Arrays.copyOf(peers, count * 2);
        }
        descriptors[count] = fd;
        peers[count] = peer;
        count++;
    }

    /**
     * Hands a waiting connection over to its adopter.
     *
     * @return the peer address its accept returned
     * @throws IllegalArgumentException if {@code fd} is not waiting to be adopted
     */
    InetSocketAddress take(int fd) {
        int i = indexOf(fd);
        if (i < 0) {
            throw new IllegalArgumentException(fd + " is not the result of an accept completion being handled");
        }
        InetSocketAddress peer = peers[i];
        count--;
        descriptors[i] = descriptors[count];
        peers[i] = peers[count];
        peers[count] = null;
        return peer;
    }

    /** Closes every connection not adopted: declined, not leaked. */
    void closeAll() {
        while (count > 0) {
            count--;
            Syscalls.close(descriptors[count]);
            peers[count] = null;
        }
    }

    private int indexOf(int fd) {
        for (int i = 0; i < count; i++) {
            if (descriptors[i] == fd) {
                return i;
            }
        }
        return -1;
    }
}
