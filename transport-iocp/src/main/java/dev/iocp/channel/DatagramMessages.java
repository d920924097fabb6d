package dev.iocp.channel;

import dev.iocp.port.PortSocket;
import dev.iocp.port.internal.SubmissionChecks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.StringUtil;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;

/**
 * What an {@link IocpDatagramChannel} can send, and how a written message is made sendable: the
 * port sends from native memory, so each message's content becomes a single direct buffer.
 */
final class DatagramMessages {
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
            + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", " + StringUtil.simpleClassName(InetSocketAddress.class)
            + ">, " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private DatagramMessages() {
    }

    /**
     * {@code msg} as a message whose content is a single direct buffer (a copy where it is not,
     * the original released), or a refusal of what cannot be sent: an unresolved recipient (as
     * NIO does, with {@link UnresolvedAddressException}), one of another family than the
     * socket's, or a bare buffer while not connected ({@link NotYetConnectedException}).
     */
    static Object sendable(Object msg, ByteBufAllocator alloc, PortSocket socket, boolean connected) {
        if (msg instanceof DatagramPacket packet) {
            checkRecipient(socket, packet.recipient());
            ByteBuf content = packet.content();
            return isSingleDirect(content) ? packet : new DatagramPacket(directCopy(alloc, packet, content),
                    packet.recipient(), packet.sender());
        }
        if (msg instanceof ByteBuf buffer) {
            if (!connected) {
                throw new NotYetConnectedException();
            }
            // The shared empty buffer is what a cancelled entry's message becomes (see
            // IocpDatagramChannel.removeCancelledHead), so a written one is replaced.
            return isSingleDirect(buffer) && buffer != Unpooled.EMPTY_BUFFER ? buffer : directCopy(alloc, buffer, buffer);
        }
        if (msg instanceof AddressedEnvelope<?, ?> envelope && envelope.content() instanceof ByteBuf content
                && envelope.recipient() instanceof InetSocketAddress recipient) {
            checkRecipient(socket, recipient);
            return isSingleDirect(content) ? envelope
                    : new DefaultAddressedEnvelope<>(directCopy(alloc, envelope, content), recipient, envelope.sender());
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + EXPECTED_TYPES);
    }

    private static void checkRecipient(PortSocket socket, InetSocketAddress recipient) {
        if (recipient.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        SubmissionChecks.sendTarget(socket, recipient);
    }

    /** The readable bytes of {@code content} in one direct buffer; {@code message}, which held them, is released. */
    private static ByteBuf directCopy(ByteBufAllocator alloc, Object message, ByteBuf content) {
        int readable = content.readableBytes();
        ByteBuf direct = alloc.directBuffer(readable);
        direct.writeBytes(content, content.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(message);
        return direct;
    }

    /** The bytes a {@linkplain #sendable sendable} message carries, as the buffer the port sends from. */
    static ByteBuffer payload(Object sendable) {
        ByteBuf content = sendable instanceof AddressedEnvelope<?, ?> envelope ? (ByteBuf) envelope.content()
                : (ByteBuf) sendable;
        return content.nioBuffer(content.readerIndex(), content.readableBytes());
    }

    /** Where a {@linkplain #sendable sendable} message goes: its recipient, or null (the connected peer) for a bare buffer. */
    static InetSocketAddress recipient(Object sendable) {
        return sendable instanceof AddressedEnvelope<?, ?> envelope ? (InetSocketAddress) envelope.recipient() : null;
    }

    static boolean isSingleDirect(ByteBuf buffer) {
        return buffer.isDirect() && buffer.nioBufferCount() == 1;
    }
}
