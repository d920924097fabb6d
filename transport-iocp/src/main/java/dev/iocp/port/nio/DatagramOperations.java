package dev.iocp.port.nio;

import dev.iocp.port.CompletionFlags;
import dev.iocp.port.Errno;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;

/**
 * The sends and receives of {@link NioDatagramSocket}s, each one whole datagram, run by the
 * {@link OperationRunner} when they are submitted and when the selector reports the socket
 * ready: a receive is {@link DatagramChannel#receive}, a send {@link DatagramChannel#send} (or
 * {@code write} to the connected peer). What would block waits first in its queue.
 *
 * <p><b>Truncation.</b> java.nio drops the part of a datagram that does not fit without saying
 * so. To report it ({@link CompletionFlags#TRUNCATED}) as {@code MSG_TRUNC} does, a receive
 * into less than {@link #LARGEST_DATAGRAM} bytes goes through the port's own buffer of that size
 * and is copied into the caller's: the datagram's whole length is then known.
 */
final class DatagramOperations {
    /** The largest UDP payload over IPv4 or IPv6 without jumbograms, rounded up. */
    static final int LARGEST_DATAGRAM = 64 * 1024;

    private final OperationTable table;
    private final CompletionQueue completions;
    /** Where datagrams land that the caller's buffer might be too small for; made on first use. */
    private ByteBuffer landing;

    DatagramOperations(OperationTable table, CompletionQueue completions) {
        this.table = table;
        this.completions = completions;
    }

    /** Receives datagrams for the waiting receives, oldest first, until one would block. */
    void receive(NioDatagramSocket socket) {
        WaitQueue queue = socket.operations.receives;
        DatagramChannel channel = socket.datagramChannel();
        int slot;
        while ((slot = queue.peek()) >= 0) {
            ByteBuffer buffer = (ByteBuffer) table.argument(slot);
            int position = table.position(slot);
            int window = table.limit(slot) - position;
            InetSocketAddress sender;
            int length;
            try {
                if (window >= LARGEST_DATAGRAM) {
                    int oldPosition = buffer.position();
                    int oldLimit = buffer.limit();
                    BufferWindows.set(buffer, position, position + window);
                    try {
                        sender = (InetSocketAddress) channel.receive(buffer);
                        length = buffer.position() - position;
                    } finally {
                        BufferWindows.set(buffer, oldPosition, oldLimit);
                    }
                } else {
                    ByteBuffer landed = landing();
                    landed.clear();
                    sender = (InetSocketAddress) channel.receive(landed);
                    length = landed.position();
                    buffer.put(position, landed, 0, Math.min(length, window));
                }
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                queue.poll(table);
                complete(slot, NioErrors.result(e), 0); // ECONNREFUSED for PortUnreachableException
                continue;
            }
            if (sender == null) {
                return; // nothing queued: wait for readiness
            }
            queue.poll(table);
            table.address(slot, sender);
            boolean truncated = length > window;
            complete(slot, Math.min(length, window), truncated ? CompletionFlags.TRUNCATED : 0);
        }
    }

    /** Sends the waiting datagrams, oldest first, until the socket buffer is full. */
    void send(NioDatagramSocket socket) {
        WaitQueue queue = socket.operations.sends;
        DatagramChannel channel = socket.datagramChannel();
        int slot;
        while ((slot = queue.peek()) >= 0) {
            ByteBuffer buffer = (ByteBuffer) table.argument(slot);
            int position = table.position(slot);
            int limit = table.limit(slot);
            InetSocketAddress target = table.address(slot);
            int sent;
            int oldPosition = buffer.position();
            int oldLimit = buffer.limit();
            BufferWindows.set(buffer, position, limit);
            try {
                sent = target == null ? channel.write(buffer) : channel.send(buffer, target);
            } catch (NotYetConnectedException e) {
                queue.poll(table);
                complete(slot, -Errno.EDESTADDRREQ, 0); // as sendmsg(2) without an address says
                continue;
            } catch (IOException | IllegalStateException | IllegalArgumentException e) {
                queue.poll(table);
                complete(slot, NioErrors.result(e), 0);
                continue;
            } finally {
                BufferWindows.set(buffer, oldPosition, oldLimit);
            }
            if (sent == 0 && limit > position) {
                return; // no room for it: wait for readiness
            }
            queue.poll(table);
            complete(slot, sent, 0);
        }
    }

    private ByteBuffer landing() {
        if (landing == null) {
            landing = ByteBuffer.allocateDirect(LARGEST_DATAGRAM);
        }
        return landing;
    }

    private void complete(int slot, int result, int flags) {
        completions.add(table.finish(slot), result, flags);
    }
}
