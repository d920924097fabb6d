package dev.iocp.channel;

import io.netty.channel.IoHandle;

/**
 * An {@link IoHandle} an {@link IocpIoHandler} can serve: it receives {@link IocpIoEvent}s, the
 * completions of the operations submitted through its {@link IocpIoRegistration}.
 */
public interface IocpIoHandle extends IoHandle {

    /**
     * Closes without waiting for anything: what an {@link IocpIoHandler} calls when its loop shuts
     * down and a {@linkplain #close() graceful close} has not finished in time.
     */
    default void abort() throws Exception {
        close();
    }
}
