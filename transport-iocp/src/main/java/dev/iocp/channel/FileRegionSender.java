package dev.iocp.channel;

import dev.iocp.port.Errno;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Sends the {@link FileRegion} at the head of a channel's outbound buffer, one operation at a
 * time, and removes it from the buffer when it is sent whole or has failed.
 *
 * <p>A {@link DefaultFileRegion} goes through the port's send-file operation: its file is
 * spliced (io_uring) or {@code sendfile}d (nio) into the socket, and its bytes never enter Java
 * memory. Any other region, whose bytes only its {@code transferTo} knows, and a
 * {@code DefaultFileRegion} whose file this transport cannot reach
 * ({@link DefaultFileRegionAccess}) or the port cannot send from (-EOPNOTSUPP), is read into
 * direct memory in chunks ({@link FileRegionChunk}) and sent as bytes.
 */
final class FileRegionSender {
    private final FileRegionChunk chunk = new FileRegionChunk();
    /** The region whose bytes the port sends from its file, or null. */
    private DefaultFileRegion direct;
    /** The file {@link #direct} is sent from. */
    private FileChannel file;
    /** How much of {@link #direct} the socket has taken. */
    private long sent;
    /** A region the port could not send from: it is copied instead, from where it stopped. */
    private FileRegion copied;

    /**
     * Submits the next part of {@code region}, the current message of {@code in}.
     *
     * @return the id of the send submitted, or 0 when there was nothing left to send: the region
     *         has been removed from {@code in}, sent whole or failed
     */
    long sendNext(FileRegion region, ChannelOutboundBuffer in, IocpIoRegistration registration,
                  ByteBufAllocator allocator) {
        if (region instanceof DefaultFileRegion d && region != copied && DefaultFileRegionAccess.available()) {
            return sendFromFile(d, in, registration);
        }
        ByteBuffer[] part;
        try {
            part = chunk.next(region, allocator);
        } catch (IOException e) {
            finish();
            in.remove(e);
            return 0;
        }
        if (part == null) {
            finish();
            in.remove(); // sent whole
            return 0;
        }
        return registration.submitSend(part, 0, 1);
    }

    private long sendFromFile(DefaultFileRegion region, ChannelOutboundBuffer in, IocpIoRegistration registration) {
        try {
            if (region != direct) {
                file = DefaultFileRegionAccess.openFile(region);
                direct = region;
                sent = region.transferred();
            }
            long left = region.count() - sent;
            if (left <= 0) {
                finish();
                in.remove(); // sent whole, or empty
                return 0;
            }
            return registration.submitSendFile(file, region.position() + sent, (int) Math.min(left, Integer.MAX_VALUE));
        } catch (IOException | IllegalArgumentException e) {
            // The file cannot be opened, or was closed by someone else (the port refuses it).
            IOException cause = e instanceof IOException io ? io : new IOException(
                    "cannot send " + DefaultFileRegionAccess.describe(region) + ": " + e.getMessage(), e);
            finish();
            in.remove(cause);
            return 0;
        }
    }

    /** Whether the send in flight is a send-file, whose failure a message should name as such. */
    boolean sendingFromFile() {
        return direct != null;
    }

    /**
     * The send in flight failed with {@code result}: where that is the port saying it cannot
     * send from the file (-EOPNOTSUPP: io_uring with neither the file's descriptor nor /proc to
     * reach the pipe through), the region is copied instead and this returns true.
     */
    boolean copyInstead(int result) {
        if (direct == null || result != -Errno.EOPNOTSUPP) {
            return false;
        }
        copied = direct;
        direct = null;
        file = null;
        return true;
    }

    /**
     * The send in flight took {@code bytes} of {@code region}: the outbound buffer hears of the
     * progress, and a region sent whole is removed from it. A send-file that took nothing found
     * the file ended before the region did.
     */
    void sent(FileRegion region, int bytes, ChannelOutboundBuffer in) {
        if (region != direct) {
            if (bytes > 0) { // 0: a send-file the port could not make; the region goes on copied
                chunk.sent(bytes);
                in.progress(bytes);
            }
            return; // the next sendNext removes the region once its last chunk is sent
        }
        if (bytes == 0) {
            IOException shorter = new IOException("cannot send " + DefaultFileRegionAccess.describe(direct)
                    + " whole: its file ended after " + sent + " of them (the file has " + fileSize() + " bytes)");
            finish();
            in.remove(shorter);
            return;
        }
        sent += bytes;
        DefaultFileRegionAccess.transferred(direct, sent);
        in.progress(bytes);
        if (sent >= direct.count()) {
            finish();
            in.remove();
        }
    }

    private long fileSize() {
        try {
            return file.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Forgets the region sent last; its chunk buffer goes. */
    private void finish() {
        chunk.release();
        direct = null;
        file = null;
        copied = null;
        sent = 0;
    }

    /** Lets go of everything: the channel failed or closed; the outbound buffer releases the regions. */
    void release() {
        finish();
    }
}
