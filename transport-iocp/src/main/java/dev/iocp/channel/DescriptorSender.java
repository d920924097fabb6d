package dev.iocp.channel;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.unix.FileDescriptor;

import java.io.UncheckedIOException;

/**
 * Sends the {@link FileDescriptor} at the head of a Unix-domain channel's outbound buffer: its
 * number in one {@code SCM_RIGHTS} message with one data byte, as epoll's {@code sendFd} does
 * (one descriptor per message, which is what an epoll receiver takes). The descriptor stays the
 * writer's: neither the send nor the removal from the buffer closes it, as on epoll. The port
 * sends a duplicate made as the send is submitted, so the writer may close its own once the
 * write has been submitted, as epoll's synchronous send allows.
 */
final class DescriptorSender {

    private DescriptorSender() {
    }

    /**
     * Submits the send of {@code descriptor}, the buffer's current message.
     *
     * @return the send's id, or 0 when the message was failed instead and removed, and the
     *         caller goes on with the next: a closed descriptor (also one closed behind Netty's
     *         {@code FileDescriptor}'s back, which the port finds not open), one the port refuses,
     *         or no duplicate to be had (EMFILE): that write fails, the connection goes on
     */
    static long send(FileDescriptor descriptor, ChannelOutboundBuffer in, IocpIoRegistration registration) {
        if (!descriptor.isOpen()) {
            in.remove(new IllegalArgumentException("cannot send a closed FileDescriptor: " + descriptor));
            return 0;
        }
        try {
            return registration.submitSendDescriptors(descriptor.intValue());
        } catch (IllegalArgumentException e) {
            in.remove(e);
            return 0;
        } catch (UncheckedIOException e) {
            in.remove(e.getCause());
            return 0;
        }
    }
}
