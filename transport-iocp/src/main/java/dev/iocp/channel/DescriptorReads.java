package dev.iocp.channel;

import dev.iocp.port.Errno;
import dev.iocp.port.internal.SubmissionChecks;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketReadMode;

import java.io.IOException;

/**
 * The reads of an {@link IocpDomainSocketChannel} in {@link DomainSocketReadMode#FILE_DESCRIPTORS}:
 * instead of the armed stream receive, one descriptor receive at a time
 * ({@link IocpIoRegistration#submitReceiveDescriptors()}), re-armed as it completes while the
 * channel reads, and each descriptor that arrives fired as an {@link IocpFileDescriptor}, in the
 * order sent, one message each, counted by the {@link RecvByteBufAllocator} handle as the stream's
 * reads are; the batch ends with channelReadComplete where the stream's would.
 *
 * <p>The data bytes a descriptor receive takes are not delivered, as on epoll: each descriptor
 * message's carrying byte, and bytes sent without descriptors before it (a receive takes them
 * with the next descriptors, or alone). The end of input and errors end the input as they do in
 * the byte mode (the input side's {@code readEnded}).
 *
 * <p><b>Switching modes.</b> A change takes effect on the next read: the receive armed for the
 * other mode is cancelled ({@link #readModeChanged}), and the next is of the new mode. What the
 * armed one takes before its cancellation reaches the kernel is handled as that mode handles it,
 * and from BYTES that loses descriptors: the byte mode's stream receive stays armed between
 * reads (also with auto-read off), has no room for control data, and a descriptor message it
 * takes has its descriptors closed by the kernel and its carrying byte delivered as a ByteBuf.
 * Nothing here can get them back, so the switch to FILE_DESCRIPTORS is safe only before the peer
 * sends a descriptor: as an option at bootstrap, or with the peer waiting for a message written
 * after the switch (the cancel is staged by then, and the kernel takes submissions in order).
 * From FILE_DESCRIPTORS with auto-read off nothing is armed between reads; with it on, the
 * armed receive may take up to 64 bytes, which this mode does not deliver.
 *
 * <p><b>Ownership.</b> Received descriptors are the port's until this class adopts them, which it
 * does only to fire them at once: a completion that comes while the channel is closing or
 * deregistered leaves them to the port, which closes them. Once fired they are the application's
 * (see {@link IocpFileDescriptor}); one adopted but not fired (the channel closed from an earlier
 * descriptor's channelRead) is closed here.
 */
final class DescriptorReads {
    private final AbstractIocpStreamInputChannel channel;
    /** The descriptor receive in flight, or 0. */
    private long receiveId;

    DescriptorReads(AbstractIocpStreamInputChannel channel) {
        this.channel = channel;
    }

    /** Whether the channel's reads take descriptors now (the mode may change from any thread). */
    boolean readsNow() {
        return ((IocpDomainSocketChannel) channel).config().getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS;
    }

    /** Whether the read the channel has armed is a descriptor receive. */
    boolean receiving() {
        return receiveId != 0;
    }

    /** Arms a descriptor receive; returns its id, the channel's read in flight. */
    long submitReceive(IocpIoRegistration registration) {
        receiveId = registration.submitReceiveDescriptors();
        return receiveId;
    }

    /**
     * The read mode changed (on the channel's loop): the read armed for the other mode, if any,
     * is stopped; its final completion arms the next read, of the new mode, if the channel reads.
     */
    void readModeChanged(AbstractIocpStreamInputChannel.StreamInputUnsafe unsafe) {
        IocpIoRegistration registration = channel.registration;
        if (channel.readId == 0 || channel.closing || registration == null || !registration.isValid()
                || receiving() == readsNow()) {
            return;
        }
        if (receiving()) {
            registration.submitCancel(receiveId);
        } else {
            unsafe.stopStream();
        }
    }

    /** The descriptor receive completed with {@code result} data bytes (0: the end of input) or -errno. */
    void received(AbstractIocpStreamInputChannel.StreamInputUnsafe unsafe, int result, int flags) {
        receiveId = 0;
        channel.readId = 0;
        IocpIoRegistration registration = channel.registration;
        if (!registration.isValid() || channel.closing) {
            return; // nothing is read after close() or deregister(); the port closes what came
        }
        if (result == -Errno.EMSGSIZE || result == -Errno.EMFILE) {
            // An IOException: it ends the input, as any receive error does.
            unsafe.readFailed(new IOException(lostDescriptors(result), channel.failure("receive descriptors", result)));
            return;
        }
        if (result <= 0) {
            unsafe.readEnded(result); // cancelled (a mode change, back-pressure), the end, an error
            return;
        }
        deliver(unsafe, registration, registration.adoptReceivedDescriptors(), result, flags);
        if (unsafe.wantsData()) {
            unsafe.scheduleRead();
        }
    }

    /** Why a message's descriptors were lost ({@code MSG_CTRUNC}: see {@link dev.iocp.port.CompletionPort#submitReceiveDescriptors}). */
    private static String lostDescriptors(int result) {
        return result == -Errno.EMSGSIZE
                ? "a message carried more descriptors than a receive takes (" + SubmissionChecks.MAX_PASSED_DESCRIPTORS
                        + "): the port closed those that arrived"
                : "the descriptors a message carried could not be installed in this process (out of descriptors, "
                        + "or refused by a security module): the port closed those that arrived";
    }

    private void deliver(AbstractIocpStreamInputChannel.StreamInputUnsafe unsafe, IocpIoRegistration registration,
                         int[] descriptors, int bytes, int flags) {
        if (descriptors.length == 0) {
            return; // bytes sent without a descriptor: not delivered in this mode
        }
        RecvByteBufAllocator.Handle handle = unsafe.recvBufAllocHandle();
        ChannelPipeline pipeline = channel.pipeline();
        int fired = 0;
        try {
            unsafe.startBatch(handle);
            handle.attemptedBytesRead(bytes);
            handle.lastBytesRead(bytes);
            while (fired < descriptors.length) {
                IocpFileDescriptor descriptor = new IocpFileDescriptor(descriptors[fired], registration.port().backend());
                fired++;
                unsafe.fireMessage(handle, pipeline, descriptor);
                if (channel.closing || !registration.isValid()) {
                    unsafe.endBatch(handle, pipeline); // the rest is dropped, as after close() in NIO's loop
                    return;
                }
            }
            unsafe.arrivalDelivered(handle, pipeline, flags);
        } finally {
            closeUnfired(registration, descriptors, fired);
        }
    }

    /** Closes the adopted descriptors from {@code fired} on: this channel owns them and will not deliver them. */
    private static void closeUnfired(IocpIoRegistration registration, int[] descriptors, int fired) {
        for (int i = fired; i < descriptors.length; i++) {
            try {
                registration.port().backend().closeDescriptor(descriptors[i]);
            } catch (IOException e) {
                // Not open (EBADF): nothing is left to leak.
            }
        }
    }
}
