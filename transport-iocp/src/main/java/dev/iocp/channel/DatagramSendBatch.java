package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import dev.iocp.port.ShutdownMode;
import io.netty.channel.ChannelOutboundBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The next batch of a datagram channel's flushed messages, for a port that does not keep a
 * socket's sends in order on its own (io_uring): submitted together as one ordered batch
 * ({@link IocpIoRegistration#submitSendsTo}), each send starting once the one before it has its
 * result, so that a send waiting for room in the send buffer holds back those after it instead of
 * being overtaken by them. The channel submits the next batch only once every result of this one
 * is in: a send the port cancelled because an earlier one failed (never sent, see
 * {@link DatagramSends#headUnsent}) is then still in its place in the outbound buffer and goes
 * again, first of the next batch, after the send that ended this one (which may have gone last).
 *
 * <p>A close {@linkplain #stop stops} the batch in flight before it cancels its sends.
 *
 * <p>The arrays are reused from batch to batch, and cleared after each so that they keep no
 * message alive.
 */
final class DatagramSendBatch implements ChannelOutboundBuffer.MessageProcessor {
    private final Object[] messages = new Object[DatagramSends.MAX_IN_FLIGHT];
    private final ByteBuffer[] buffers = new ByteBuffer[DatagramSends.MAX_IN_FLIGHT];
    private final InetSocketAddress[] targets = new InetSocketAddress[DatagramSends.MAX_IN_FLIGHT];
    private final long[] ids = new long[DatagramSends.MAX_IN_FLIGHT];
    private int count;
    /** Why the first flushed message could not even be read (its buffer released), or null. */
    private RuntimeException unreadable;

    /**
     * Submits the flushed messages of {@code in}, oldest first and up to
     * {@link DatagramSends#MAX_IN_FLIGHT}, as one batch into {@code sends}, which holds nothing.
     * A message that cannot be submitted fails alone, in its turn, as a single send's would:
     * where the port refuses the batch (without saying for which send) the first message is
     * submitted alone, or failed alone if that is refused too; the others wait for the next batch.
     *
     * @return whether a send was submitted
     */
    boolean submit(ChannelOutboundBuffer in, IocpIoRegistration registration, DatagramSends sends) throws Exception {
        try {
            in.forEachFlushedMessage(this);
            if (count == 0) {
                if (unreadable != null) {
                    sends.failed(messages[0], unreadable);
                }
                return false;
            }
            int taken;
            try {
                taken = registration.submitSendsTo(buffers, targets, count, ids);
            } catch (Throwable refused) {
                taken = submitFirstAlone(registration, sends, refused);
            }
            for (int i = 0; i < taken; i++) {
                sends.submitted(ids[i], messages[i]);
            }
            return taken > 0;
        } finally {
            clear();
        }
    }

    /**
     * Stops the batch in flight on {@code socket}, which is being closed, before its sends are
     * cancelled: a cancellation finds only the send of the chain under way. With
     * {@code DEFER_TASKRUN}, the next send is queued as the kernel's task work when the one
     * before it completes, and starts at the loop's next io_uring_enter, after the cancellations
     * that enter submits, which find nothing there (-ENOENT): the chain would go on to its end,
     * its datagrams leaving after close(). Once the socket's sending side is shut, each send that
     * starts fails at once ({@code -EPIPE}, which the close reports as
     * {@link java.nio.channels.ClosedChannelException}), and that ends the chain. Linux shuts it on
     * an unconnected UDP socket too ({@code inet_shutdown}), where shutdown(2) still answers
     * {@code ENOTCONN}.
     */
    static void stop(PortSocket socket) {
        try {
            socket.shutdown(ShutdownMode.OUTPUT);
        } catch (IOException notConnected) {
            // shut all the same (see above); else the cancellations end what they find
        }
    }

    /** The port refused the batch: the first message goes alone, or fails alone. Returns how many went. */
    private int submitFirstAlone(IocpIoRegistration registration, DatagramSends sends, Throwable refused) {
        if (count > 1) {
            try {
                return registration.submitSendsTo(buffers, targets, 1, ids);
            } catch (Throwable alone) {
                refused = alone;
            }
        }
        sends.failed(messages[0], refused);
        return 0;
    }

    /** Adds one flushed message; false ends the walk (the batch is full, or the message unreadable). */
    @Override
    public boolean processMessage(Object msg) {
        ByteBuffer buffer;
        try {
            buffer = DatagramMessages.payload(msg);
        } catch (RuntimeException e) {
            if (count == 0) { // fails alone; else it heads the next batch, and fails then
                messages[0] = msg;
                unreadable = e;
            }
            return false;
        }
        messages[count] = msg;
        buffers[count] = buffer;
        targets[count] = DatagramMessages.recipient(msg);
        return ++count < messages.length;
    }

    private void clear() {
        for (int i = 0; i < Math.max(count, 1); i++) {
            messages[i] = null;
            buffers[i] = null;
            targets[i] = null;
        }
        count = 0;
        unreadable = null;
    }
}
