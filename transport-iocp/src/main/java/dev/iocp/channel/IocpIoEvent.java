package dev.iocp.channel;

import dev.iocp.port.Operation;
import io.netty.channel.IoEvent;

/**
 * One completion, as an {@link IoEvent}. A handler reuses one instance for every completion it
 * delivers, so an event must not be kept beyond the {@code handle} call it is passed to.
 */
public final class IocpIoEvent implements IoEvent {
    private Operation operation;
    private int result;
    private int flags;
    private long operationId;

    IocpIoEvent update(Operation operation, int result, int flags, long operationId) {
        this.operation = operation;
        this.result = result;
        this.flags = flags;
        this.operationId = operationId;
        return this;
    }

    /** The kind of operation that completed. */
    public Operation operation() {
        return operation;
    }

    /** Bytes transferred, an accept handle, 0, or {@code -errno}. */
    public int result() {
        return result;
    }

    /** {@link dev.iocp.port.CompletionFlags} bits. */
    public int flags() {
        return flags;
    }

    /** The id its submission returned. */
    public long operationId() {
        return operationId;
    }

    @Override
    public String toString() {
        return "IocpIoEvent[" + operation + ", result=" + result + ", flags=" + flags + "]";
    }
}
