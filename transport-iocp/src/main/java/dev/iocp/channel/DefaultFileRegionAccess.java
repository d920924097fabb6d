package dev.iocp.channel;

import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;

/**
 * What this transport reads and writes of a {@link DefaultFileRegion} beyond its public API: the
 * {@link FileChannel} it sends from, so the port can send the file without reading it into
 * memory, and its {@code transferred} count, so that {@link DefaultFileRegion#transferred()}
 * says what was sent, as when the region writes itself.
 *
 * <p>Netty 4.2 exposes neither (its epoll and io_uring transports read both fields from C). The
 * fields are reached through {@link MethodHandles#privateLookupIn}, which works where Netty's
 * {@code io.netty.channel} package is open to this transport: always on the class path, and on
 * the module path where the application opens it. Elsewhere, or should a Netty release rename the
 * fields, {@link #available()} is false and file regions are copied through direct memory, as
 * other {@code FileRegion}s are.
 */
final class DefaultFileRegionAccess {
    private static final VarHandle FILE;
    private static final VarHandle TRANSFERRED;

    static {
        VarHandle file = null;
        VarHandle transferred = null;
        if (DefaultFileRegion.class.getModule().isOpen("io.netty.channel", DefaultFileRegionAccess.class.getModule())) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(DefaultFileRegion.class, MethodHandles.lookup());
                file = lookup.findVarHandle(DefaultFileRegion.class, "file", FileChannel.class);
                transferred = lookup.findVarHandle(DefaultFileRegion.class, "transferred", long.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                file = null; // another Netty's fields: copy, as for any FileRegion
                transferred = null;
            }
        }
        FILE = file;
        TRANSFERRED = transferred;
    }

    private DefaultFileRegionAccess() {
    }

    /** Whether the fields can be reached here. */
    static boolean available() {
        return FILE != null;
    }

    /**
     * The region's file channel, opened if the region was made from a {@code File} and has not
     * opened it yet.
     *
     * @throws IOException when the file cannot be opened, or the region's channel is closed
     */
    static FileChannel openFile(DefaultFileRegion region) throws IOException {
        FileChannel file = (FileChannel) FILE.get(region);
        if (file == null) {
            region.open(); // made from a File: opens it (a region made from a channel has it already)
            file = (FileChannel) FILE.get(region);
        }
        if (file == null || !file.isOpen()) {
            throw new IOException("cannot send " + describe(region) + ": its file channel is closed");
        }
        return file;
    }

    /** Records how much of the region has been sent, as the region's own transferTo does. */
    static void transferred(DefaultFileRegion region, long transferred) {
        TRANSFERRED.set(region, transferred);
    }

    static String describe(DefaultFileRegion region) {
        return "the file region of " + region.count() + " bytes from position " + region.position();
    }
}
