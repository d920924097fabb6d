package dev.iocp.channel.faults;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

import java.lang.reflect.Field;
import java.util.StringJoiner;

/**
 * What a channel that should have closed was doing, for a failure message: its auto-read and
 * writability, what its outbound buffer holds, and the transport's own read/write state (read
 * reflectively, so tests need no accessor in the product).
 */
final class ChannelState {
    private static final String[] FIELDS = {"readId", "writeId", "readPending", "closing", "streamStopping",
        "heldInput", "heldEnd", "heldDeliveryScheduled", "inputShutdown", "outputShutdown"};

    private ChannelState() {
    }

    static String describe(Channel channel) {
        StringJoiner state = new StringJoiner(", ", "{", "}");
        state.add("autoRead=" + channel.config().isAutoRead()).add("writable=" + channel.isWritable());
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        state.add("outbound=" + (out == null ? "none" : out.size() + " msgs/" + out.totalPendingWriteBytes() + " B"));
        for (String name : FIELDS) {
            Object value = field(channel, name);
            if (value != null) {
                state.add(name + "=" + value);
            }
        }
        return state.toString();
    }

    private static Object field(Object target, String name) {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException next) {
                // declared higher up
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "?" + e.getClass().getSimpleName();
            }
        }
        return null;
    }
}
