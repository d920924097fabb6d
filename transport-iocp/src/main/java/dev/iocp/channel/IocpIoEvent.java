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

    /** Made by the handler, which fills it in for each completion. */
    IocpIoEvent() {
    }

    IocpIoEvent update(Operation operation, int result, int flags, long operationId) {
        this.operation = operation;
        this.result = result;
        this.flags = flags;
        this.operationId = operationId;
        return this;
    }

    /**
     * The kind of operation that completed.
     *
     * @return the operation, as its submission named it
     */
    public Operation operation() {
        return operation;
    }

    /**
     * Bytes transferred, an accept handle, 0, or {@code -errno}.
     *
     * @return the completion's result: bytes, a handle, 0, or a negative error number
     */
    public int result() {
        return result;
    }

    /**
     * {@link dev.iocp.port.CompletionFlags} bits.
     *
     * @return the flags, 0 when none
     */
    public int flags() {
        return flags;
    }

    /**
     * The id its submission returned.
     *
     * @return the id, non-zero
     */
    public long operationId() {
        return operationId;
    }

    @Override
    public String toString() {
        return "IocpIoEvent[" + operation + ", result=" + result + ", flags=" + flags + "]";
    }
}
