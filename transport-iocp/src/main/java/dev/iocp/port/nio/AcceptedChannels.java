package dev.iocp.port.nio;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * Connections accepted and not yet adopted. The result of an ACCEPT completion is a handle
 * into this table, as it is a descriptor on io_uring. A connection is held from the accept
 * until its completion is delivered; if the handler does not
 * {@linkplain NioPort#adoptAccepted adopt} it by the time {@code dequeue} returns, it is
 * closed, so that declining a connection leaks nothing. Each connection is held with the peer
 * address its accept returned.
 */
final class AcceptedChannels {
    private SocketChannel[] channels = new SocketChannel[16];
    private SocketAddress[] peers = new SocketAddress[16];
    private NioSocket[] listeners = new NioSocket[16];
    private boolean[] offered = new boolean[16];
    private int[] free = new int[16];
    private int freeCount;
    private int used;
    /** Handles delivered to a handler in the current dequeue. */
    private int[] offers = new int[16];
    private int offerCount;

    /**
     * Holds a freshly accepted connection and returns its handle (never negative).
     *
     * @param peer the address the accept returned
     */
    int add(SocketChannel channel, SocketAddress peer, NioSocket listener) {
        int handle;
        if (freeCount > 0) {
            handle = free[--freeCount];
        } else {
            if (used == channels.length) {
                int capacity = used * 2;
                channels = Arrays.copyOf(channels, capacity);
                peers = Arrays.copyOf(peers, capacity);
                listeners = Arrays.copyOf(listeners, capacity);
                offered = Arrays.copyOf(offered, capacity);
                free = Arrays.copyOf(free, capacity);
            }
            handle = used++;
        }
        channels[handle] = channel;
        peers[handle] = peer;
        listeners[handle] = listener;
        return handle;
    }

    /** The handle's completion is being delivered: from now on it must be adopted or closed. */
    void offer(int handle) {
        if (offerCount == offers.length) {
            offers = Arrays.copyOf(offers, offerCount * 2);
        }
        offered[handle] = true;
        offers[offerCount++] = handle;
    }

    /**
     * Hands over the connection behind a handle being delivered for {@code listener}, as a
     * socket that knows its peer.
     *
     * @return the socket, or null if the handle is not one being delivered for that listener
     */
    NioSocket take(NioSocket listener, int handle) {
        if (handle < 0 || handle >= used || !offered[handle] || listeners[handle] != listener) {
            return null;
        }
        NioSocket adopted = new NioSocket(listener.family(), channels[handle], peers[handle]);
        adopted.lingers = listener.lingers; // the connection got the listener's SO_LINGER (SocketSettings)
        forget(handle);
        return adopted;
    }

    /** End of a dequeue: closes the connections the handler declined. */
    void closeDeclined() {
        while (offerCount > 0) {
            int handle = offers[--offerCount];
            if (offered[handle]) {
                closeQuietly(channels[handle]);
                forget(handle);
            }
        }
    }

    /** The port is closing: every held connection is closed, delivered or not. */
    void closeAll() {
        for (int handle = 0; handle < used; handle++) {
            if (channels[handle] != null) {
                closeQuietly(channels[handle]);
                channels[handle] = null;
                peers[handle] = null;
                listeners[handle] = null;
            }
        }
        used = 0;
        freeCount = 0;
        offerCount = 0;
        Arrays.fill(offered, false);
    }

    private void forget(int handle) {
        channels[handle] = null;
        peers[handle] = null;
        listeners[handle] = null;
        offered[handle] = false;
        free[freeCount++] = handle;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // a declined connection: nobody is left to tell
        }
    }
}
